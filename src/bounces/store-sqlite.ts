import { canonicalAddress } from '../address.js';
import { appendToJournal, journalPath } from '../send/journal.js';
import { isSuppressed as isSuppressedInState, type StateDb } from '../send/store.js';
import { fileMoved, movedAwayError } from '../state/sqlite/file-in-place.js';
import { isErased, suppressionInsert } from '../state/sqlite/suppression-insert.js';
import { commitOrRollback } from '../store/commit.js';
import { hashedAddress } from '../store/hash.js';
import * as mapping from './rows.js';
import type { BounceRecord, BounceStore, IssueBounceCounts, ReaderHistory } from './store.js';

/**
 * The bounce store in the send state file. Its table is created on first use by the commands that
 * write (like the schedule's waves), so the state file needs no migration step; read-only callers
 * (status, the preview) see an empty store until then.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS bounce_events (
  event_id TEXT PRIMARY KEY,
  issue_id TEXT,
  email TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('hard', 'soft', 'complaint')),
  status TEXT,
  diagnostic TEXT NOT NULL,
  source TEXT NOT NULL,
  outcome TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS bounce_events_email ON bounce_events (email);
CREATE INDEX IF NOT EXISTS bounce_events_issue ON bounce_events (issue_id);
CREATE INDEX IF NOT EXISTS deliveries_message_id ON deliveries (message_id);
`;

export function ensureBounceSchema(db: StateDb): void {
  db.exec(SCHEMA);
}

function hasBounceTable(db: StateDb): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bounce_events'").get() !== undefined;
}

/**
 * `readonly`: never creates the table (for a database opened read-only); reads of a state file
 * without it return nothing. better-sqlite3 is synchronous: each method does its work at once and
 * returns a settled promise. A transaction is BEGIN IMMEDIATE … COMMIT around the awaited work,
 * queued so two (two webhook calls at once) never overlap on the one connection.
 */
export function sqliteBounceStore(db: StateDb, options: { readonly?: boolean } = {}): BounceStore {
  if (!options.readonly) ensureBounceSchema(db);
  const present = () => options.readonly !== true || hasBounceTable(db);
  let queue: Promise<unknown> = Promise.resolve();
  let insertSuppression: ReturnType<typeof suppressionInsert> | undefined;
  // `serve` holds the file for days: a bounce written into one restored from a backup or deleted
  // under it is in no file a send reads, and its reader is mailed again. Its suppressions go to the
  // journal beside the file now at the path instead, as unsubscribes do, which the next send applies:
  // a provider that retries only briefly would otherwise lose a complaint.
  const moved = options.readonly || db.memory ? undefined : fileMoved(db.name);
  // The same when the file takes no writes (read-only, a full disk): a provider's retries would fail too.
  let journaling: { journal: string; refusal: () => Error } | undefined;
  const journalInstead = async <T>(work: () => Promise<T>, refusal: () => Error): Promise<T> => {
    journaling = { journal: journalPath(db.name), refusal };
    try {
      return await work();
    } finally {
      journaling = undefined;
    }
  };
  const transaction = <T>(work: () => Promise<T>): Promise<T> => {
    const run = async () => {
      const how = moved?.();
      if (how)
        return journalInstead(work, () =>
          movedAwayError(
            db.name,
            how,
            'a soft bounce is not counted',
            `restart serve so that it uses the file now at ${db.name}; a provider retries a webhook answered 503`,
          ),
        );
      try {
        db.exec('BEGIN IMMEDIATE');
        return await commitOrRollback(db, work);
      } catch (error) {
        // Busy: a retry soon finds it free, so the call is answered 503.
        if (!isWriteRefused(error)) throw error;
        return journalInstead(work, () => error as Error);
      }
    };
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    transaction,
    async hasEvent(eventId) {
      // The open file's events are not the ones at the path: journaling an event again is harmless.
      if (journaling) return false;
      return present() && db.prepare('SELECT 1 FROM bounce_events WHERE event_id = ?').get(eventId) !== undefined;
    },
    async insertEvent(record) {
      if (journaling) {
        // Its suppression is in the journal; a soft bounce only counted has nowhere to go, so the
        // call fails (503) and the provider retries it.
        if (record.outcome !== 'counted') return true;
        throw journaling.refusal();
      }
      // An erased reader's event keeps its hashed key, never the address, and, as `forget` leaves
      // their older events, not the server's text either: it usually quotes the address.
      const stored = isErased(db, record.email)
        ? { ...record, email: hashedAddress(record.email), diagnostic: '' }
        : record;
      const result = db
        .prepare(
          `INSERT INTO bounce_events (${mapping.EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
        )
        .run(...mapping.eventValues(stored));
      return result.changes > 0;
    },
    async suppress(email, { reason, source, at }) {
      if (journaling) {
        // Throws when the journal cannot be written either (its folder gone): the call is answered 503.
        appendToJournal(journaling.journal, { email, reason, source, at });
        return true;
      }
      // Prepared at the first use: a read-only store never writes.
      insertSuppression ??= suppressionInsert(db);
      return insertSuppression(email, reason, source, at);
    },
    async isSuppressed(email) {
      return isSuppressedInState(db, email);
    },
    async history(email): Promise<ReaderHistory> {
      const key = canonicalAddress(email);
      const deliveries = db
        .prepare(
          "SELECT issue_id AS issueId, MIN(updated_at) AS at FROM deliveries WHERE email = ? AND status = 'sent' AND channel = 'smtp' GROUP BY issue_id",
        )
        .all(key) as { issueId: string; at: string }[];
      const events = present()
        ? (db
            .prepare(
              'SELECT event_id AS eventId, issue_id AS issueId, kind, occurred_at AS at FROM bounce_events WHERE email = ?',
            )
            .all(key) as ReaderHistory['events'])
        : [];
      return { deliveries, events };
    },
    async deliveryByMessageId(messageId) {
      const spellings = mapping.messageIdSpellings(messageId);
      if (!spellings) return undefined;
      return db
        .prepare('SELECT issue_id AS issueId, email FROM deliveries WHERE message_id IN (?, ?) LIMIT 1')
        .get(...spellings) as { issueId: string; email: string } | undefined;
    },
    async deliveredIssues() {
      return db.prepare('SELECT DISTINCT issue_id FROM deliveries').pluck().all() as string[];
    },
    async recipients(issueId) {
      return db.prepare('SELECT DISTINCT email FROM deliveries WHERE issue_id = ?').pluck().all(issueId) as string[];
    },
    async events(filter = {}) {
      if (!present()) return [];
      const rows = (
        filter.issueId === undefined
          ? db.prepare('SELECT * FROM bounce_events ORDER BY occurred_at, event_id').all()
          : db
              .prepare('SELECT * FROM bounce_events WHERE issue_id = ? ORDER BY occurred_at, event_id')
              .all(filter.issueId)
      ) as mapping.BounceRow[];
      return rows.map(mapping.fromBounceRow);
    },
    async issueCounts(): Promise<IssueBounceCounts[]> {
      const sent = db
        .prepare(
          "SELECT issue_id AS issueId, COUNT(*) AS sent, MIN(updated_at) AS firstSentAt FROM deliveries WHERE status = 'sent' AND channel = 'smtp' GROUP BY issue_id",
        )
        .all() as { issueId: string; sent: number; firstSentAt: string }[];
      const bounced = present()
        ? (db
            .prepare(
              `SELECT issueId, kind, COUNT(*) AS n FROM (${mapping.readerKinds('issueId')}) GROUP BY issueId, kind
               UNION ALL SELECT issue_id, 'complaint', COUNT(DISTINCT email) FROM bounce_events
               WHERE issue_id IS NOT NULL AND kind = 'complaint' GROUP BY issue_id`,
            )
            .all() as { issueId: string; kind: BounceRecord['kind']; n: number }[])
        : [];
      return mapping.issueBounceCounts(sent, bounced);
    },
  };
}

const REFUSED_WRITE = /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|PERM)/;

/** A write the file refuses whatever the wait (read-only, disk full, an I/O error), unlike a busy one. */
function isWriteRefused(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && REFUSED_WRITE.test(code);
}
