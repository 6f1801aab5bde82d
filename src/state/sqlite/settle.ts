import type { StateDb } from '../../send/store.js';
import type { Moved } from './file-in-place.js';
import { markLogBase, noteGeneration, retryMarks } from './generation.js';

/**
 * Copies what the write-ahead log holds into the state file (a PASSIVE checkpoint: it never waits
 * for another process; a reader that holds part of the log back leaves that part to the next one).
 *
 * For `serve`, which holds the file for weeks and writes a few pages a day: SQLite copies the log
 * into the file only past 10,000 pages or when the last connection closes, so every unsubscribe,
 * bounce and reader change it answered would otherwise live in the log alone. A clean-up deleting
 * `state.db-wal` and `-shm` under it, then a kill before it closes, lost them all, and the next
 * send, finding neither log nor index to tell, mailed those readers. Once copied, the index records
 * the log as copied in, so a log deleted afterwards loses nothing and no command refuses the file.
 */
export function settleLog(db: StateDb, moved?: () => Moved | undefined): void {
  if (db.memory || db.readonly || db.inTransaction) return;
  // A file deleted, replaced, or whose log another command started afresh: copying this
  // connection's log into it would lay its pages under that command's.
  if (moved?.()) return;
  // The log goes on from here: its next copies of the id row say how far the file had got.
  markLogBase(db);
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or refused: the write itself stands, and the next write's checkpoint copies it.
  }
  // How far the file got, so that an older copy put back over it is told from it (generation.ts).
  noteGeneration(db, db.name);
}

/**
 * `store` with the log settled after each of its calls has finished, a promise once it settles.
 * For the stores whose writes readers wait on (suppressions, bounces, readers); clicks are left to
 * SQLite's own checkpoints, as each costs a sync of the file. The marks a locked file kept out at
 * open are added before each call (see retryMarks), so the write itself carries them.
 */
export function settlingAfterEach<T extends object>(
  db: StateDb,
  store: T,
  moved?: () => Moved | undefined,
  unusable: () => unknown = () => undefined,
): T {
  // An index SQLite could not use now (index-mapped.ts) is left alone: the call itself says why.
  return aroundEachCall(
    store,
    () => unusable() || retryMarks(db),
    () => unusable() || settleLog(db, moved),
  );
}

/** `store` with `before` run before each of its calls. */
export function beforeEachCall<T extends object>(store: T, before: () => void): T {
  return aroundEachCall(store, before);
}

function aroundEachCall<T extends object>(store: T, before: () => void, after?: () => void): T {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        before();
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!after) return result;
        if (!(result instanceof Promise)) {
          after();
          return result;
        }
        return result.finally(after);
      };
    },
  });
}
