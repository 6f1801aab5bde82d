import { isSqliteBusy, retryWhileBusy } from '../db/sqlite-busy.js';
import { hasTable } from '../db/sqlite-tables.js';
import { EXIT, RolecastError } from '../errors.js';
import { appendToJournal, type JournalEntry, journalPath } from '../send/journal.js';
import type { StateDb } from '../send/store.js';
import { fileMoved, movedAwayError } from '../state/sqlite/file-in-place.js';
import { checkpointAhead } from '../state/sqlite/generation.js';
import { prepared } from '../state/sqlite/statements.js';
import { suppressionInsert } from '../state/sqlite/suppression-insert.js';
import { commitOrRollback } from '../store/commit.js';
import { insertBounceEvent } from './event-row-sqlite.js';
import { sqliteBounceReads } from './reads-sqlite.js';
import { ensureBounceSchema } from './schema-sqlite.js';
import type { BounceStore, JournaledInstead } from './store.js';

/**
 * The bounce store in the send state file. Its table is created on first use by the commands that
 * write (like the schedule's waves), so the state file needs no migration step; read-only callers
 * (status, the preview) see an empty store until then.
 */

export { ensureBounceSchema };

/**
 * `readonly`: never creates the table (for a database opened read-only); reads of a state file
 * without it return nothing. better-sqlite3 is synchronous: each method does its work at once and
 * returns a settled promise. A transaction is BEGIN IMMEDIATE … COMMIT around the awaited work,
 * queued so two (two webhook calls at once) never overlap on the one connection.
 */
export function sqliteBounceStore(
  db: StateDb,
  options: {
    readonly?: boolean;
    /**
     * `serve`: how long a write waits for the lock a send holds while it writes its ledger, ms.
     * Answered 503 at once, a complaint waited for the provider's retry a minute later, while the
     * send mailed its reader; past the wait, a suppression goes to the journal, which a send reads
     * before each message (a soft bounce is still answered 503).
     */
    busyWaitMs?: number;
  } = {},
): BounceStore {
  // `serve` opens the store with no busy timeout: a file that never had the table, held by a send
  // or an import as serve starts, gets it at the first write instead, under that write's wait.
  let schemaPending = false;
  if (!options.readonly) {
    try {
      ensureBounceSchema(db);
    } catch (error) {
      if (!isSqliteBusy(error)) throw error;
      schemaPending = true;
    }
  }
  const present = () => (options.readonly !== true && !schemaPending) || hasTable(db, 'bounce_events');
  let queue: Promise<unknown> = Promise.resolve();
  let insertSuppression: ReturnType<typeof suppressionInsert> | undefined;
  /** Rows the transaction under way wrote (see checkpointAhead). */
  let rowsWritten = 0;
  // `serve` holds the file for days: a bounce written into one restored from a backup or deleted
  // under it is in no file a send reads, and its reader is mailed again. Its suppressions go to the
  // journal beside the file now at the path instead, as unsubscribes do, which the next send applies:
  // a provider that retries only briefly would otherwise lose a complaint.
  const moved = options.readonly || db.memory ? undefined : fileMoved(db.name);
  // The same when the file takes no writes (read-only, a full disk): a provider's retries would fail too.
  // Lines are written once the whole of `work` has run: a refusal half-way (a soft bounce, which
  // only counts) leaves nothing half-journaled, and the call or import fails as a whole.
  let journaling: { journal: string; refusal: () => Error; lines: JournalEntry[] } | undefined;
  let journaled: JournaledInstead | undefined;
  const journalInstead = async <T>(work: () => Promise<T>, refusal: () => Error): Promise<T> => {
    const current = { journal: journalPath(db.name), refusal, lines: [] as JournalEntry[] };
    journaling = current;
    try {
      const result = await work();
      // Throws when the journal cannot be written either (its folder gone, the disk full): answered
      // 503, or the import fails, naming the journal rather than the state file alone.
      let written = 0;
      try {
        for (const line of current.lines) {
          appendToJournal(current.journal, line);
          written++;
        }
      } catch (error) {
        throw journalFailed(db.name, current.journal, refusal(), error, written, current.lines.length);
      }
      if (current.lines.length > 0) {
        journaled ??= { entries: 0, journal: current.journal, cause: refusal().message };
        journaled.entries += current.lines.length;
      }
      return result;
    } finally {
      journaling = undefined;
    }
  };
  const transaction = <T>(work: () => Promise<T>): Promise<T> => {
    // From the call's arrival, not its turn in the queue: calls arriving together while a send held
    // the lock each waited for the ones before, the fifth five waits, past a provider's HTTP timeout.
    const deadline = performance.now() + (options.busyWaitMs ?? 0);
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
      let result: T;
      try {
        await retryWhileBusy(() => db.exec('BEGIN IMMEDIATE'), { until: deadline, maxPauseMs: 250 });
        const creating = schemaPending;
        rowsWritten = 0;
        result = await commitOrRollback(db, async () => {
          if (creating) ensureBounceSchema(db);
          return work();
        });
        if (creating) schemaPending = false;
      } catch (error) {
        // Busy without a wait: a retry soon finds it free, so the call is answered 503. Busy past
        // `busyWaitMs`: journaled as a refused write is, so a send holding the file reads it at once.
        if (!isWriteRefused(error) && !(options.busyWaitMs !== undefined && isSqliteBusy(error))) throw error;
        return journalInstead(work, () => error as Error);
      }
      // An import of many mails commits batch after batch: like a send, it copies its log into the
      // file itself before SQLite would, so a copy of the file taken meanwhile is told from it.
      // Outside the catch: the write is committed, and whatever this throws must never journal it again.
      try {
        checkpointAhead(db, rowsWritten);
      } catch (error) {
        throw recordedThenFailed(db.name, error);
      }
      return result;
    };
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    transaction,
    journaledInstead: () => journaled,
    async hasEvent(eventId) {
      // The open file's events are not the ones at the path: journaling an event again is harmless.
      if (journaling) return false;
      return present() && prepared(db, 'SELECT 1 FROM bounce_events WHERE event_id = ?').get(eventId) !== undefined;
    },
    async insertEvent(record) {
      if (journaling) {
        // A soft bounce only counted has nowhere to go, so the call fails (503) and the provider
        // retries it. Any other goes with its suppression: the replay records it, for `bounces list` and list health.
        if (record.outcome === 'counted') throw journaling.refusal();
        const line = [...journaling.lines].reverse().find((l) => l.event === undefined && l.email === record.email);
        if (line) line.event = record;
        return true;
      }
      rowsWritten++;
      return insertBounceEvent(db, record);
    },
    async suppress(email, { reason, source, at }) {
      if (journaling) {
        journaling.lines.push({ email, reason, source, at });
        return true;
      }
      // Prepared at the first use: a read-only store never writes.
      insertSuppression ??= suppressionInsert(db);
      rowsWritten++;
      return insertSuppression(email, reason, source, at);
    },
    ...sqliteBounceReads(db, present),
  };
}

const REFUSED_WRITE = /^SQLITE_(READONLY|FULL|IOERR|CANTOPEN|PERM)/;

/** A write the file refuses whatever the wait (read-only, disk full, an I/O error), unlike a busy one. */
function isWriteRefused(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && REFUSED_WRITE.test(code);
}

/** The write is in the file: what failed after it must not read as a write the file refused. */
function recordedThenFailed(file: string, cause: unknown): RolecastError {
  return new RolecastError(
    'E_STATE_WRITE',
    `the state file ${file} recorded what was just written to it (bounces, complaints and suppressions), but copying its write-ahead log into it afterwards failed: ${(cause as Error).message}`,
    {
      exitCode: EXIT.sendFailed,
      hint: 'what was recorded stands; free space on its disk (or fix the cause above) and run the same command again: reports already recorded are not recorded twice; keep the mailbox until it succeeds',
      cause,
    },
  );
}

/** Neither the state file nor the journal beside it took what was read: nothing of it is recorded but what the journal got first. */
function journalFailed(
  file: string,
  journal: string,
  refusal: Error,
  cause: unknown,
  written: number,
  lines: number,
): RolecastError {
  const got = written > 0 ? ` (it holds ${written} of the ${lines} suppression(s), which the next send applies)` : '';
  return new RolecastError(
    'E_STATE_WRITE',
    `the state file ${file} took no writes (${refusal.message}), and the unsubscribe journal ${journal} beside it could not be written either: ${(cause as Error).message}${got}`,
    {
      exitCode: EXIT.sendFailed,
      hint: 'free space on its disk (or make the folder writable) and run the same command again: reports already recorded are not recorded twice; keep the mailbox until it succeeds',
      cause,
    },
  );
}
