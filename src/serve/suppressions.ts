import { existsSync } from 'node:fs';
import { isSqliteBusy, retryWhileBusy } from '../db/sqlite-busy.js';
import { hasTable } from '../db/sqlite-tables.js';
import { appendToJournal, journalPath, type ReplayResult, replayJournal } from '../send/journal.js';
import { journaledAddresses } from '../send/journal-watch.js';
import { addSuppression, isSuppressed, type StateDb } from '../send/store.js';
import { fileMoved, movedAwayError } from '../state/sqlite/file-in-place.js';
import { indexMappedWatch } from '../state/sqlite/index-mapped.js';
import { isErased, suppressionInsert } from '../state/sqlite/suppression-insert.js';
import {
  addDefaults,
  fromSuppressionRow,
  ownUnsubscribeKeys,
  ownUnsubscribeWhere,
  type SuppressionRow,
} from '../state/suppression-rows.js';

/**
 * The suppression list as the endpoint and `rolecast suppress` see it: the `suppressions` table
 * of the send state file, through the send stage's own helpers, so `send` skips every address
 * added here. When the database cannot be written (another program holds it locked, or it is
 * read-only), an unsubscribe goes to the journal beside it and is applied later.
 */

export interface SuppressionDetails {
  reason?: string;
  source?: string;
  now?: Date;
}

/** `added`: newly suppressed; `already`: it was; `journaled`: recorded in the journal, applied later. */
export type AddOutcome = 'added' | 'already' | 'journaled';

export interface SuppressionList {
  /** Synchronous on the SQLite state file; a networked backend answers with a promise. */
  isSuppressed(email: string): boolean | Promise<boolean>;
  /** Only the hashed entry `subscribers forget` leaves is on the list: nothing may store the address again. */
  isErased(email: string): boolean | Promise<boolean>;
  /** Records the address, keeping an existing record. Throws only when it was recorded nowhere. */
  add(email: string, details: SuppressionDetails): AddOutcome | undefined | Promise<AddOutcome>;
  /** Applies journaled unsubscribes once the database takes writes; undefined while it still does not. */
  replayPending?(): ReplayResult | undefined;
  /**
   * When the address is suppressed by its reader's own unsubscribe only (see `ownUnsubscribeWhere`):
   * the time it was recorded; undefined for any other entry, or none. A list without it lifts nothing
   * (the store lifts it, see `SubscriberStore.liftOwnUnsubscribe`).
   */
  ownUnsubscribe?(email: string): string | undefined | Promise<string | undefined>;
}

export interface SuppressionEntry {
  email: string;
  reason: string | null;
  source: string | null;
  createdAt: string;
}

export interface StateSuppressionOptions {
  /** How long a write keeps retrying a locked or busy database before it journals, ms. */
  writeWaitMs?: number;
  /** The journal file; beside the database by default. */
  journal?: string;
}

export const DEFAULT_WRITE_WAIT_MS = 5_000;

/**
 * The endpoint's list. It sets the connection's busy timeout to zero and waits for a busy
 * database between attempts instead, so a lock held elsewhere never freezes the event loop (and
 * with it `/healthz` and every other request).
 */
export function stateSuppressionList(db: StateDb, options: StateSuppressionOptions = {}): SuppressionList {
  // Found afresh at each use: a state path that is a link pointed at another file since serve
  // started has its journal beside that file, where the next send looks.
  const journalNow = () => options.journal ?? (db.memory ? undefined : journalPath(db.name));
  const writeWait = options.writeWaitMs ?? DEFAULT_WRITE_WAIT_MS;
  const journaled = db.memory || options.journal ? undefined : journaledAddresses(db.name);
  db.pragma('busy_timeout = 0');
  const insert = suppressionInsert(db);
  // `serve` runs for days: a file restored from a backup or deleted under it is written to no more,
  // since the next send reads the file at the path. Unsubscribes go to the journal beside it then.
  const moved = db.memory ? undefined : fileMoved(db.name);
  // An index that cannot be mapped writable now kills the process at the next read (SIGBUS).
  const unmapped = db.memory ? undefined : indexMappedWatch(db.name);
  const usable = () => {
    const error = unmapped?.();
    if (error) throw error;
  };
  const replayPending = (): ReplayResult | undefined => {
    usable();
    const how = moved?.();
    if (how)
      throw movedAwayError(
        db.name,
        how,
        `unsubscribes wait in ${journalPath(db.name)}, which the next send applies`,
        `restart serve so that it uses the file now at ${db.name}`,
      );
    try {
      return replayJournal(db);
    } catch (error) {
      if (isSqliteBusy(error)) return undefined;
      throw error;
    }
  };
  return {
    // An unsubscribe still in the journal counts: the preferences page must not show that reader subscribed.
    isSuppressed: (email) => {
      usable();
      return isSuppressed(db, email) || journaled?.(email) !== undefined;
    },
    isErased: (email) => {
      usable();
      return isErased(db, email);
    },
    replayPending,
    // An unsubscribe still waiting in the journal is lifted by nothing: it would be applied again.
    ownUnsubscribe: (email) => {
      if (journaled?.(email) !== undefined) return undefined;
      usable();
      const row = db
        .prepare(
          `SELECT created_at FROM suppressions WHERE ${ownUnsubscribeWhere('@email', '@hash', hasTable(db, 'bounce_events'))}`,
        )
        .get(ownUnsubscribeKeys(email)) as { created_at: string } | undefined;
      return row?.created_at;
    },
    async add(email, details) {
      const { reason, source, at } = addDefaults(details);
      let failure: unknown;
      try {
        // Locked or busy: tried again shortly. Anything else (read-only, disk full, damaged) goes
        // straight to the journal, since waiting would not help; so does a file moved away meanwhile.
        const added = await retryWhileBusy(
          () => (unmapped?.() || moved?.() ? undefined : insert(email, reason, source, at)),
          {
            until: performance.now() + writeWait,
            maxPauseMs: 500,
          },
        );
        if (added !== undefined) {
          // The database takes writes again: whatever waits in the journal can go in now.
          const journal = journalNow();
          if (journal && existsSync(journal)) ignoreErrors(replayPending);
          return added ? 'added' : 'already';
        }
      } catch (error) {
        failure = error;
      }
      const journal = journalNow();
      if (!journal) throw failure;
      appendToJournal(journal, { email, reason, source, at });
      return 'journaled';
    },
  };
}

function ignoreErrors(run: () => unknown): void {
  try {
    run();
  } catch {
    // The periodic replay tries again and reports what keeps failing.
  }
}

/** Adds many addresses in one transaction; returns how many were new. Existing records are kept. */
export function addSuppressions(
  db: StateDb,
  entries: readonly { email: string; reason: string }[],
  source: string,
  now: Date = new Date(),
): { added: number; already: number } {
  let added = 0;
  let already = 0;
  const run = db.transaction(() => {
    for (const entry of entries) {
      if (isSuppressed(db, entry.email)) {
        already++;
        continue;
      }
      addSuppression(db, entry.email, { reason: entry.reason, source, now });
      added++;
    }
  });
  run();
  return { added, already };
}

export function listSuppressions(db: StateDb): SuppressionEntry[] {
  const rows = db
    .prepare('SELECT email, reason, source, created_at FROM suppressions ORDER BY created_at, email')
    .all() as SuppressionRow[];
  return rows.map(fromSuppressionRow);
}
