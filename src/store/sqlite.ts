import type Database from 'better-sqlite3';
import { canonicalAddress } from '../address.js';
import { retryWhileBusy } from '../db/sqlite-busy.js';
import { hasColumn, hasTable } from '../db/sqlite-tables.js';
import { fileMoved, movedAwayError } from '../state/sqlite/file-in-place.js';
import { ownUnsubscribeKeys, ownUnsubscribeWhere } from '../state/suppression-rows.js';
import { commitOrRollback } from './commit.js';
import { eraseAddress, hashedAddress } from './hash.js';
import { INSERT_COLUMNS, insertValues, patchColumns, type ReaderRow, toReader } from './rows.js';
import type { AddressMove, AuditEntry, ReaderQuery, SubscriberStore } from './types.js';

/**
 * The SQLite driver of the subscriber store: its tables live in the send state file beside the
 * ledger and the suppression list, so nothing else has to be installed. All of the store's SQL is
 * here. The schema is versioned with `PRAGMA user_version`; each step below runs once, in order.
 */

type Db = Database.Database;

/** How long a write waits for a lock held by another process before it fails, ms. */
export const DEFAULT_WRITE_WAIT_MS = 5_000;

/**
 * Version 1 (address keys in canonical form) is the ledger's own step, in send/store.ts. Each step
 * says how to tell it is in place, since other parts of the file number theirs in the same sequence.
 */
const MIGRATIONS: { version: number; sql: string; applied: (db: Db) => boolean }[] = [
  {
    version: 2,
    applied: (db) => hasSubscriberStore(db),
    sql: `
CREATE TABLE IF NOT EXISTS readers (
  email TEXT PRIMARY KEY,
  name TEXT,
  first_name TEXT,
  roles TEXT NOT NULL DEFAULT '[]',
  timezone TEXT,
  locale TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'paused', 'unsubscribed', 'bounced')),
  paused_until TEXT,
  created_at TEXT NOT NULL,
  confirmed_at TEXT,
  updated_at TEXT NOT NULL,
  reader_changed_at TEXT,
  consent_at TEXT,
  consent_method TEXT CHECK (consent_method IN ('import', 'form', 'api', 'cli')),
  consent_wording TEXT,
  pending_email TEXT,
  confirm_nonce TEXT
);
CREATE INDEX IF NOT EXISTS readers_status ON readers (status, created_at);
CREATE TABLE IF NOT EXISTS reader_audit (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  at TEXT NOT NULL,
  page TEXT NOT NULL,
  change TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reader_audit_email ON reader_audit (email, id);
`,
  },
  {
    // When each field was the reader's own choice, and the addresses readers moved away from. A
    // release before it would mail a moved reader's old address from a file and write the page's
    // changes without their times: this version makes every such release refuse the file.
    version: 5,
    applied: (db) => hasTable(db, 'reader_moves'),
    sql: `
ALTER TABLE readers ADD COLUMN reader_fields TEXT;
CREATE TABLE reader_moves (
  email TEXT PRIMARY KEY,
  moved_to TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX reader_moves_to ON reader_moves (moved_to);
`,
  },
  {
    // What a subscribers file said for each field a reader set, as a send noted it. A release
    // before it would hand the file every such field again on any write of the file (its time is
    // all it compares): this version makes every such release refuse the file.
    version: 6,
    applied: (db) => hasColumn(db, 'readers', 'file_fields'),
    sql: 'ALTER TABLE readers ADD COLUMN file_fields TEXT;',
  },
  {
    // Where the latest reader to leave an address went, beside its first reader's move (which a
    // file follows): an unsubscribe there reaches the latest. A release before it would pass it to
    // the first: this version makes every such release refuse the file.
    version: 7,
    applied: (db) => hasColumn(db, 'reader_moves', 'latest_moved_to'),
    sql: `
ALTER TABLE reader_moves ADD COLUMN latest_moved_to TEXT;
UPDATE reader_moves SET latest_moved_to = moved_to;
`,
  },
  {
    // The address as written, which mail goes to (rows stored before have none: mailed at the key).
    // A release before it would mail a moved reader at the old address kept here: it refuses the file.
    version: 8,
    applied: (db) => hasColumn(db, 'readers', 'written_email'),
    sql: 'ALTER TABLE readers ADD COLUMN written_email TEXT;',
  },
];

export const STORE_SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** Brings a writable state database up to the store's schema; a no-op once it is there. */
export function migrateSubscriberStore(db: Db): void {
  const current = () => db.pragma('user_version', { simple: true }) as number;
  // Other parts of the state file (analytics, bounces) number their steps in the same sequence, so
  // the tables themselves are checked too: a file another step moved past 2 still gets the store.
  const done = () => MIGRATIONS.every((step) => current() >= step.version && step.applied(db));
  if (done()) return;
  // IMMEDIATE: two processes opening an old file at once migrate it one after the other.
  db.transaction(() => {
    for (const step of MIGRATIONS) {
      if (!step.applied(db)) db.exec(step.sql);
      if (current() < step.version) db.pragma(`user_version = ${step.version}`);
    }
  }).immediate();
}

/** True when the database has the store's tables (a read-only file from an older version may not). */
export function hasSubscriberStore(db: Db): boolean {
  return hasTable(db, 'readers');
}

/**
 * The store on an open, migrated state database (see `openStateDb`). better-sqlite3 is
 * synchronous, so each promise is settled when it is returned, and a transaction's awaits resume
 * before any other request is handled: nothing else can write between its BEGIN and COMMIT.
 */
export function sqliteSubscriberStore(db: Db, options: { writeWaitMs?: number } = {}): SubscriberStore {
  const select = db.prepare('SELECT * FROM readers WHERE email = ?');
  const writeWait = options.writeWaitMs ?? DEFAULT_WRITE_WAIT_MS;
  let depth = 0;
  /**
   * Runs one statement (or a BEGIN). While another process holds the write lock (a long `send`),
   * it waits between attempts instead of failing, without blocking the event loop. Inside a
   * transaction the lock is already held, so nothing waits there.
   */
  const run = async <T>(work: () => T): Promise<T> =>
    depth > 0
      ? work()
      : retryWhileBusy(work, { until: performance.now() + writeWait, firstPauseMs: 10, maxPauseMs: 250 });
  // `serve` holds the file for days: a change written into one restored from a backup or deleted
  // under it is in no file a send reads (a pause, a move, a confirmed signup), so it is refused.
  const moved = db.memory ? undefined : fileMoved(db.name);
  const write = <T>(work: () => T): Promise<T> =>
    run(() => {
      const how = moved?.();
      if (how)
        throw movedAwayError(
          db.name,
          how,
          'the change was not saved',
          `start the command again (a running serve too) so that it uses the file now at ${db.name}`,
        );
      return work();
    });
  return {
    get: (email) =>
      run(() => {
        const row = select.get(canonicalAddress(email)) as ReaderRow | undefined;
        return row && toReader(row);
      }),
    list: (query: ReaderQuery = {}) =>
      run(() => {
        const where: string[] = [];
        const params: unknown[] = [];
        if (query.status) {
          where.push('status = ?');
          params.push(query.status);
        }
        if (query.role) {
          where.push('EXISTS (SELECT 1 FROM json_each(readers.roles) WHERE json_each.value = ?)');
          params.push(query.role);
        }
        const sql = `SELECT * FROM readers${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, email`;
        return (db.prepare(sql).all(...params) as ReaderRow[]).map(toReader);
      }),
    insert: (reader) =>
      write(() => {
        const values = insertValues(reader);
        db.prepare(`INSERT INTO readers (${INSERT_COLUMNS}) VALUES (${values.map(() => '?').join(', ')})`).run(
          ...values,
        );
      }),
    update: (email, patch, now) =>
      write(() => {
        const sets = patchColumns(patch);
        const assignments = ['updated_at = ?', ...sets.map(([column]) => `${column} = ?`)];
        const params = [now.toISOString(), ...sets.map(([, value]) => value), canonicalAddress(email)];
        return db.prepare(`UPDATE readers SET ${assignments.join(', ')} WHERE email = ?`).run(...params).changes > 0;
      }),
    rename: (from, to, now) =>
      write(() => {
        const target = canonicalAddress(to);
        if (select.get(target)) return false;
        return db.transaction(() => {
          const changed =
            db
              .prepare(
                // The old address's spelling is no spelling of the new one.
                'UPDATE readers SET email = ?, written_email = NULL, pending_email = NULL, updated_at = ? WHERE email = ?',
              )
              .run(target, now.toISOString(), canonicalAddress(from)).changes > 0;
          if (!changed) return false;
          const source = canonicalAddress(from);
          db.prepare('UPDATE reader_audit SET email = ? WHERE email = ?').run(target, source);
          // One step from any old address to where the reader is now; moving back ends the move.
          db.prepare('UPDATE reader_moves SET moved_to = ? WHERE moved_to = ?').run(target, source);
          db.prepare('UPDATE reader_moves SET latest_moved_to = ? WHERE latest_moved_to = ?').run(target, source);
          // An address moved away from already stays its first reader's: a record made there since
          // (from an older message's link, by a later owner) does not take their mail elsewhere.
          // Its latest reader to leave is this one, whom an unsubscribe there reaches.
          db.prepare(
            `INSERT INTO reader_moves (email, moved_to, at, latest_moved_to) VALUES (?, ?, ?, ?)
             ON CONFLICT (email) DO UPDATE SET latest_moved_to = excluded.latest_moved_to`,
          ).run(source, target, now.toISOString(), target);
          db.prepare('DELETE FROM reader_moves WHERE email = moved_to').run();
          return true;
        })();
      }),
    moves: () =>
      run(() =>
        // A read-only file an older release wrote has no moves yet.
        hasTable(db, 'reader_moves')
          ? (db
              .prepare(
                // A read-only file from before the latest leaver was kept: the first is the latest.
                hasColumn(db, 'reader_moves', 'latest_moved_to')
                  ? 'SELECT email, moved_to AS movedTo, at, latest_moved_to AS latestMovedTo FROM reader_moves ORDER BY at, email'
                  : 'SELECT email, moved_to AS movedTo, at, moved_to AS latestMovedTo FROM reader_moves ORDER BY at, email',
              )
              .all() as AddressMove[])
          : [],
      ),
    remove: (email) =>
      write(() =>
        db.transaction(() => {
          const key = canonicalAddress(email);
          db.prepare('DELETE FROM reader_moves WHERE email = ? OR moved_to = ?').run(key, key);
          db.prepare('UPDATE reader_moves SET latest_moved_to = NULL WHERE latest_moved_to = ?').run(key);
          return db.prepare('DELETE FROM readers WHERE email = ?').run(key).changes > 0;
        })(),
      ),
    discard: (email) =>
      run(() => db.prepare('DELETE FROM readers WHERE email = ?').run(canonicalAddress(email)).changes > 0),
    audit: (entry: AuditEntry) =>
      write(() => {
        db.prepare('INSERT INTO reader_audit (email, at, page, change) VALUES (?, ?, ?, ?)').run(
          canonicalAddress(entry.email),
          entry.at,
          entry.page,
          entry.change,
        );
      }),
    auditOf: (email) =>
      run(
        () =>
          db
            .prepare('SELECT email, at, page, change FROM reader_audit WHERE email = ? ORDER BY id')
            .all(canonicalAddress(email)) as AuditEntry[],
      ),
    purgePending: (before) =>
      write(
        () =>
          db
            .prepare(
              "DELETE FROM readers WHERE status = 'pending' AND confirmed_at IS NULL AND COALESCE(consent_at, created_at) < ?",
            )
            .run(before.toISOString()).changes,
      ),
    forget: (email, now) =>
      write(() => {
        const key = canonicalAddress(email);
        // Deleted rows are overwritten with zeros, not left readable in free pages.
        const secure = db.pragma('secure_delete', { simple: true });
        db.pragma('secure_delete = ON');
        try {
          const had = db.transaction(() => {
            const had = db.prepare('DELETE FROM readers WHERE email = ?').run(key).changes > 0;
            // Another reader who asked to move to this address keeps their record, without the address.
            db.prepare('UPDATE readers SET pending_email = NULL, confirm_nonce = NULL WHERE pending_email = ?').run(
              key,
            );
            db.prepare('DELETE FROM reader_audit WHERE email = ?').run(key);
            db.prepare('DELETE FROM reader_moves WHERE email = ? OR moved_to = ?').run(key, key);
            db.prepare('UPDATE reader_moves SET latest_moved_to = NULL WHERE latest_moved_to = ?').run(key);
            // Other readers' audit lines that name it (an address change they asked for) keep the line, not the address.
            const naming = db.prepare('SELECT id, change FROM reader_audit WHERE instr(change, ?) > 0').all(key) as {
              id: number;
              change: string;
            }[];
            const rewrite = db.prepare('UPDATE reader_audit SET change = ? WHERE id = ?');
            for (const { id, change } of naming) {
              const erased = eraseAddress(change, key);
              if (erased !== change) rewrite.run(erased, id);
            }
            db.prepare('DELETE FROM deliveries WHERE email = ?').run(key);
            db.prepare('DELETE FROM suppressions WHERE email = ?').run(key);
            db.prepare(
              `INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, 'erased', 'forget', ?)
               ON CONFLICT (email) DO NOTHING`,
            ).run(hashedAddress(key), now.toISOString());
            // Its bounce history stays under the hashed key, without the server's text.
            if (hasTable(db, 'bounce_events')) {
              db.prepare("UPDATE bounce_events SET email = ?, diagnostic = '' WHERE email = ?").run(
                hashedAddress(key),
                key,
              );
              // SES events stored by earlier releases carry the address in their id: ended by its hash.
              const legacy = `:${key.toLowerCase()}`;
              const hashed = `:${hashedAddress(key)}`;
              const matches = "event_id LIKE 'ses:%' AND substr(event_id, -length(?)) = ?";
              db.prepare(
                `UPDATE OR IGNORE bounce_events SET event_id = substr(event_id, 1, length(event_id) - length(?)) || ? WHERE ${matches}`,
              ).run(legacy, hashed, legacy, legacy);
              db.prepare(`DELETE FROM bounce_events WHERE ${matches}`).run(legacy, legacy);
            }
            return had;
          })();
          // The old pages also sit in the write-ahead log until a checkpoint: move them out now
          // when no reader holds the log (a running serve's next checkpoint does it otherwise).
          if (!db.memory) db.pragma('wal_checkpoint(TRUNCATE)');
          return had;
        } finally {
          db.pragma(`secure_delete = ${secure ? 'ON' : 'OFF'}`);
        }
      }),
    liftOwnUnsubscribe: (email, since) =>
      write(
        () =>
          db
            .prepare(
              `DELETE FROM suppressions WHERE ${ownUnsubscribeWhere('@email', '@hash', hasTable(db, 'bounce_events'))}
                 AND created_at <= @since`,
            )
            .run({ ...ownUnsubscribeKeys(email), since }).changes > 0,
      ),
    async transaction(work) {
      // Nested calls join the outer transaction, as better-sqlite3's own transactions do.
      if (depth > 0 || db.inTransaction) return work();
      await write(() => db.exec('BEGIN IMMEDIATE'));
      depth++;
      try {
        return await commitOrRollback(db, work);
      } finally {
        depth--;
      }
    },
  };
}
