/**
 * What the SQLite and PostgreSQL bounce stores share: the `bounce_events` row ↔ `BounceRecord`
 * mapping, the values an insert writes, and how per-issue counts are put together. Only their SQL
 * differs.
 */
import { canonicalAddress } from '../address.js';
import type { BounceRecord, IssueBounceCounts } from './store.js';

export interface BounceRow {
  event_id: string;
  issue_id: string | null;
  email: string;
  kind: BounceRecord['kind'];
  status: string | null;
  diagnostic: string;
  source: string;
  outcome: BounceRecord['outcome'];
  occurred_at: string;
  recorded_at: string;
}

export function fromBounceRow(row: BounceRow): BounceRecord {
  return {
    eventId: row.event_id,
    issueId: row.issue_id,
    email: row.email,
    kind: row.kind,
    status: row.status,
    diagnostic: row.diagnostic,
    source: row.source,
    outcome: row.outcome,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
  };
}

/** The columns an insert writes, in the order of `eventValues`. */
export const EVENT_COLUMNS =
  'event_id, issue_id, email, kind, status, diagnostic, source, outcome, occurred_at, recorded_at';

export function eventValues(record: BounceRecord): unknown[] {
  return [
    record.eventId,
    record.issueId,
    canonicalAddress(record.email),
    record.kind,
    record.status,
    record.diagnostic,
    record.source,
    record.outcome,
    record.occurredAt,
    record.recordedAt,
  ];
}

/**
 * The two spellings a Message-ID may be stored under (with and without angle brackets), or
 * undefined for an empty one.
 */
export function messageIdSpellings(messageId: string): [string, string] | undefined {
  const bare = messageId.trim().replace(/^<|>$/g, '');
  return bare ? [`<${bare}>`, bare] : undefined;
}

/**
 * Per-issue counts from the ledger's sent rows and the distinct bounced addresses per kind; an
 * issue with bounces but nothing sent over SMTP still gets a row. Newest first sent first.
 */
export function issueBounceCounts(
  sent: readonly { issueId: string; sent: number; firstSentAt: string }[],
  bounced: readonly { issueId: string; kind: BounceRecord['kind']; n: number }[],
): IssueBounceCounts[] {
  const counts = new Map<string, IssueBounceCounts>();
  for (const row of sent) counts.set(row.issueId, { ...row, hard: 0, soft: 0, complaints: 0 });
  for (const row of bounced) {
    let entry = counts.get(row.issueId);
    if (!entry) {
      entry = { issueId: row.issueId, sent: 0, firstSentAt: null, hard: 0, soft: 0, complaints: 0 };
      counts.set(row.issueId, entry);
    }
    if (row.kind === 'complaint') entry.complaints += row.n;
    else entry[row.kind] += row.n;
  }
  return [...counts.values()].sort(
    (a, b) => (b.firstSentAt ?? '').localeCompare(a.firstSentAt ?? '') || b.issueId.localeCompare(a.issueId),
  );
}

/**
 * SQL for each reader who bounced an issue, once: hard if any of their reports for it was hard,
 * else soft (a soft bounce and then a hard one for the same message is one bounced reader, not
 * two). `issueAlias` is the issue column's name as the dialect quotes it.
 */
export function readerKinds(issueAlias: string): string {
  return `SELECT issue_id AS ${issueAlias}, email,
  CASE WHEN SUM(CASE WHEN kind = 'hard' THEN 1 ELSE 0 END) > 0 THEN 'hard' ELSE 'soft' END AS kind
  FROM bounce_events WHERE issue_id IS NOT NULL AND kind <> 'complaint' GROUP BY issue_id, email`;
}
