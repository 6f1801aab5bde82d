import type { StateDb } from '../send/store.js';
import { prepared } from '../state/sqlite/statements.js';
import { isErased } from '../state/sqlite/suppression-insert.js';
import { hashedAddress } from '../store/hash.js';
import { EVENT_COLUMNS, eventValues } from './rows.js';
import type { BounceRecord } from './store.js';

/**
 * Records one bounce or complaint in the state file's `bounce_events` (created beforehand); false
 * when its id was recorded before. An erased reader's event keeps its hashed key, never the address,
 * and, as `forget` leaves their older events, not the server's text either: it usually quotes the address.
 */
export function insertBounceEvent(db: StateDb, record: BounceRecord): boolean {
  const stored = isErased(db, record.email)
    ? { ...record, email: hashedAddress(record.email), diagnostic: '' }
    : record;
  const result = prepared(
    db,
    `INSERT INTO bounce_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
  ).run(...eventValues(stored));
  return result.changes > 0;
}

const KINDS = new Set(['hard', 'soft', 'complaint']);
const OUTCOMES = new Set(['suppressed', 'already suppressed', 'counted']);

/** A bounce record as the journal keeps it beside its suppression, or undefined for anything else. */
export function journaledBounceRecord(value: unknown): BounceRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const text = (key: string) => typeof r[key] === 'string';
  const textOrNull = (key: string) => r[key] === null || text(key);
  if (!['eventId', 'email', 'diagnostic', 'source', 'occurredAt', 'recordedAt'].every(text)) return undefined;
  if (!textOrNull('issueId') || !textOrNull('status')) return undefined;
  if (!KINDS.has(r.kind as string) || !OUTCOMES.has(r.outcome as string)) return undefined;
  return r as unknown as BounceRecord;
}
