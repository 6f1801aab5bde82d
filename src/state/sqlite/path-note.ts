import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { userCacheDir } from '../../config/env.js';
import { RolecastError } from '../../errors.js';
import { sqlitePath } from '../../send/state-file.js';
import { type NotedPair, readPair, readPairInBackground, writePair, writePairInBackground } from './outside-note.js';

/**
 * A note, in this user's cache folder, that a state file holding records lived at a path. The
 * other notes of a file are named by its id, read from the file itself: with the file gone (its
 * folder emptied, a volume lost) nothing would find them, and a new empty file made at the path
 * would read every reader as never mailed and nobody as suppressed. This one is named by the path
 * alone, so a command about to make a new file there can tell. It holds no address.
 */
export function pathNoteOf(file: string): string | undefined {
  const dir = userCacheDir();
  if (!dir) return undefined;
  const key = createHash('sha256')
    .update(`path\0${resolve(sqlitePath(file))}`)
    .digest('hex')
    .slice(0, 32);
  return join(dir, 'state-notes', `${key}.path.json`);
}

/** Notes that the file `now` describes, with changes written, is at `file` (a file never written needs none). */
export function notePath(file: string, now: { id: string; counter: number }): void {
  const path = pathNoteOf(file);
  if (path && now.counter > 0 && behind(readPair(path), now)) writePair(path, now, true);
}

/** `notePath` off the event loop. */
export async function notePathInBackground(file: string, now: { id: string; counter: number }): Promise<void> {
  const path = pathNoteOf(file);
  if (path && now.counter > 0 && behind(await readPairInBackground(path), now))
    await writePairInBackground(path, now, true);
}

function behind(noted: NotedPair | undefined, now: { id: string; counter: number }): boolean {
  return !noted || noted.id !== now.id || noted.counter < now.counter;
}

/**
 * Refuses to make a new state file where the path note says one with records was: its ledger and
 * suppression list are gone, and the run would mail again every reader already sent an issue and
 * every reader who unsubscribed. A file of 0 bytes counts as none (SQLite would start it afresh), and
 * so does a SQLite file without a record (one made by hand, `sqlite3 state.db 'VACUUM'`, or a copy
 * into it undone): either would be read as a state never written. Where no note is (first use, a
 * folder moved to a new path, no cache folder), nothing stops.
 */
export function assertNotLost(file: string): void {
  const path = pathNoteOf(file);
  const noted = readPair(path);
  if (!path || !noted || noted.counter <= 0) return;
  if (holdsRecords(sqlitePath(file), noted.id)) return;
  throw new RolecastError(
    'E_STATE_MISSING',
    `the state file ${file} is missing (or empty), but ${path} records that a state file there held at least ${noted.counter} change(s) (mail sent, unsubscribes, readers)${noted.at ? `, the last noted at ${noted.at}` : ''}: a new one would mail every reader already sent an issue again, and readers who unsubscribed`,
    {
      hint: `restore the state folder from a backup (state.db with its -wal; see "State file recovery" in the README), or point --state at where it now lives; to start afresh on purpose, with every reader counting as not yet sent and no suppressions (re-import them with rolecast suppress import), delete ${path}; nothing was sent`,
    },
  );
}

/** Tables whose rows are what a new file would forget: mail sent, runs, unsubscribes, readers. */
const RECORDS = ['deliveries', 'runs', 'suppressions', 'readers'] as const;

/**
 * Whether the file at `opened` holds a record, or is the very file noted (`id`): an older copy of it
 * put back, even one from before its first record, is told as such by `assertNotRestored`. A file
 * that cannot be read as SQLite counts as holding them: the state file's own checks name its damage.
 */
function holdsRecords(opened: string, id: string): boolean {
  if (sizeOf(opened) === 0) return false;
  // A log deleted or cut beside its index: the state file's own check names that loss and asks for
  // the log back, which restores the records; "missing" would send the editor to a backup instead.
  if (existsSync(`${opened}-shm`)) return true;
  try {
    const db = new Database(opened, { readonly: true, fileMustExist: true });
    try {
      const names = new Set(
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
      );
      if (names.has('state_generation') && db.prepare('SELECT id FROM state_generation LIMIT 1').pluck().get() === id)
        return true;
      return RECORDS.some(
        (table) => names.has(table) && db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() !== undefined,
      );
    } finally {
      db.close();
    }
  } catch {
    return true;
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
