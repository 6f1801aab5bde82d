import { canonicalAddress } from '../address.js';
import { journaledBounceRecord } from '../bounces/event-row-sqlite.js';
import type { BounceRecord } from '../bounces/store.js';
import { addressLikeStrings, checkLine } from './journal-check.js';
import { addressesIn, readDamagedLine } from './journal-lines.js';

export interface JournalEntry {
  email: string;
  reason: string;
  source: string;
  /** ISO time of the request. */
  at: string;
  /**
   * The bounce or complaint behind the suppression, when one was journaled because the state file
   * took no writes: recorded in `bounce_events` when the journal is applied. Earlier releases wrote
   * no such field and ignore it.
   */
  event?: BounceRecord;
}

/**
 * What one journal line says:
 * - `whole`: read as written;
 * - `read-around`: damaged, but every address it may have named is in `entries` (suppressed);
 * - `cut-short`: a write stopped before its address ended, never answered: passed over;
 * - `damaged`: whom it named cannot be told; `unverified` when its check failed. `suspects` are the
 *   address-like strings in it and their prefixes, for a look that cannot stop a command.
 */
export interface LineReading {
  kind: 'whole' | 'read-around' | 'cut-short' | 'damaged';
  entries: JournalEntry[];
  unverified?: boolean;
  suspects?: string[];
}

/** Source of an address-like string read from damage: suppressed, but maybe nobody's address. */
export const UNVERIFIED_SOURCE = 'journal (damaged line; may not be a real address)';
const DAMAGED_SOURCE = 'journal (damaged line)';
const LINE_START = '{"email":"';

export function readJournalLine(line: string): LineReading {
  const checked = checkLine(line);
  if (checked.kind === 'sound' || checked.kind === 'unchecked') {
    const text = checked.kind === 'sound' ? checked.content : line;
    const entry = parseLine(text);
    if (entry) return withOtherAddresses(entry, text);
    if (checked.kind === 'sound') return damaged(line, true);
    return readUnparsed(line);
  }
  if (checked.kind === 'repaired') {
    const entry = parseLine(checked.content);
    if (!entry) return damaged(line, true);
    const read = withOtherAddresses(entry, checked.content).entries;
    const known = new Set(read.map((e) => canonicalAddress(e.email)));
    // The damaged text may read as other addresses: suppressed too, marked as maybe nobody's.
    const junk = addressLikeStrings(line, false).filter((email) => !known.has(canonicalAddress(email)));
    const { event: _event, ...fields } = entry;
    return {
      kind: 'read-around',
      entries: [...read, ...junk.map((email) => ({ ...fields, email, source: UNVERIFIED_SOURCE }))],
    };
  }
  // Two lines run together fail the check of the whole: each part is read as a line of its own.
  const parts = splitAtLineStarts(line);
  if (parts.length > 1) {
    const readings = parts.map(readJournalLine);
    const bad = readings.find((reading) => reading.kind === 'damaged');
    if (bad) return damaged(line, true);
    return { kind: 'read-around', entries: readings.flatMap((reading) => reading.entries) };
  }
  return damaged(line, true);
}

function damaged(line: string, unverified: boolean): LineReading {
  return { kind: 'damaged', entries: [], unverified, suspects: addressLikeStrings(line, true) };
}

function splitAtLineStarts(line: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let at = line.indexOf(LINE_START, 1); at !== -1; at = line.indexOf(LINE_START, at + 1)) {
    parts.push(line.slice(from, at));
    from = at;
  }
  parts.push(line.slice(from));
  return parts.filter((part) => part.length > 0);
}

/** A line that parses may still hold another reader's address (two lines merged, the field twice). */
function withOtherAddresses(entry: JournalEntry, text: string): LineReading {
  const others = addressesIn(text).filter((email) => canonicalAddress(email) !== canonicalAddress(entry.email));
  const { event: _event, ...fields } = entry;
  const entries = [entry, ...others.map((email) => ({ ...fields, email, source: DAMAGED_SOURCE }))];
  return { kind: others.length > 0 ? 'read-around' : 'whole', entries };
}

/** A line that is not JSON, with no check to go by: read as earlier releases wrote it. */
function readUnparsed(line: string): LineReading {
  const found = readDamagedLine(line);
  if (found.kind === 'cut-short') return { kind: 'cut-short', entries: [] };
  if (found.kind === 'damaged') return damaged(line, false);
  const at = new Date().toISOString();
  const reason = found.reason ?? 'unsubscribe';
  return {
    kind: 'read-around',
    entries: found.emails.map((email) => ({ email, reason, source: DAMAGED_SOURCE, at })),
  };
}

function parseLine(line: string): JournalEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { email, reason, source, at, event } = value as Record<string, unknown>;
  if (typeof email !== 'string' || !email.includes('@')) return undefined;
  const time = typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? at : new Date().toISOString();
  const record = journaledBounceRecord(event);
  return {
    email,
    reason: typeof reason === 'string' ? reason : 'unsubscribe',
    source: typeof source === 'string' ? source : 'journal',
    at: time,
    ...(record && canonicalAddress(record.email) === canonicalAddress(email) ? { event: record } : {}),
  };
}
