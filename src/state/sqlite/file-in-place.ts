import { existsSync, linkSync, mkdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EXIT, RolecastError } from '../../errors.js';
import { sqlitePath, WRITING } from '../../send/state-file.js';
import type { StateDb } from '../../send/store.js';
import { freshGeneration, readNote } from './generation.js';

/**
 * A check that the state file is still the one that was opened. SQLite goes on writing to a file
 * deleted or replaced under it (its folder removed by a clean-up, another file moved in), and a send
 * would record every message into a file nobody reads again: the next run would mail every reader a
 * second time. Checked before each ledger write (one stat). When the file is gone, the send stops
 * and what the open database holds is written back where it was (or beside the file that took its
 * place), so nothing it recorded is lost.
 */
export function fileInPlace(db: StateDb, file: string, moved: FileMovedWatch = fileMoved(file)): () => void {
  const openedIndex = identity(`${sqlitePath(file)}-shm`);
  let rescue: { to?: string; failed?: string; replaced: boolean; how: Moved } | undefined;
  return () => {
    if (!rescue) {
      const now = moved();
      if (!now) return;
      const path = sqlitePath(file);
      // A deleted log leaves the file at the path without this send's latest records: copied into it
      // when no other command can have started a log of its own since, else a copy goes beside it.
      if (now === 'log-deleted' && settledInPlace(db, file, openedIndex))
        rescue = { to: path, replaced: false, how: now };
      else {
        const replaced = now !== 'deleted';
        rescue = { ...writeBack(db, replaced ? `${path}.rescued-${Date.now()}` : path), replaced, how: now };
      }
    }
    // The first verdict stands: after the write-back a file is at the path again, and is not "another file".
    const { replaced } = rescue;
    const what = `${movedAway(file, rescue.how)} while the send ran`;
    if (rescue.to === undefined)
      throw new RolecastError(
        'E_STATE_WRITE',
        `${what}, and what it recorded could not be written back (${rescue.failed}): the send stopped`,
        {
          exitCode: EXIT.sendFailed,
          hint: 'readers this send reached will be mailed again by the next one: compare with your provider’s delivery logs first; keep the state folder out of clean-ups',
        },
      );
    throw new RolecastError('E_STATE_WRITE', `${what}: the send stopped, and what it recorded is in ${rescue.to}`, {
      exitCode: EXIT.sendFailed,
      hint: replaced
        ? `the file now at ${file} ${rescue.how === 'log-deleted' ? 'lacks what this send recorded' : 'is not the one this send used'}: stop every command using it (serve too), put ${rescue.to} in its place (and delete ${file}-wal and ${file}-shm if this send's are still there) before sending again, or the readers it records are mailed again`
        : 'run the same command again: it goes on from there; keep the state folder out of clean-ups',
    });
  };
}

/**
 * Copies what this connection's deleted log holds into the file at the path (a checkpoint), when
 * that is safe: no log at the path (a command opened since would have made one, and copying under
 * it would lay these pages beneath its own) and the index the one this connection uses, or none at
 * all. With the index in place, commands opened since refuse the file while it lists records the
 * log lacks; once copied, it lists none, and the next command opens the file whole.
 */
function settledInPlace(db: StateDb, file: string, openedIndex: ReturnType<typeof identity>): boolean {
  const wal = `${sqlitePath(file)}-wal`;
  const shm = `${sqlitePath(file)}-shm`;
  const indexNow = identity(shm);
  if (identity(wal) !== undefined || indexNow === UNKNOWN) return false;
  if (indexNow && !(openedIndex && openedIndex !== UNKNOWN && sameFile(indexNow, openedIndex))) return false;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    const settled = result !== undefined && result.busy === 0 && result.checkpointed === result.log;
    // Nothing more is written through this connection: it would go to the deleted log, and with the
    // index still at the path, listed there, the next command would refuse the file as damaged.
    if (settled) db.pragma('query_only = ON');
    return settled;
  } catch {
    return false;
  }
}

/**
 * How the state file is no longer the one opened; `log-deleted`: the file is, but its write-ahead
 * log or its index was deleted; `restored`: an older copy of it was written over it in place.
 */
export type Moved = 'deleted' | 'replaced' | 'log-deleted' | 'restored';

/**
 * Whether the file at `file` is still the one there when this was called (right after the database
 * was opened): undefined while it is, else whether it was deleted or replaced. The path is followed afresh each
 * time, so a symbolic link pointed at another file counts as replaced: the next command opens that one.
 * The write-ahead log is checked too: it stays while any connection is open, so one deleted meanwhile
 * (a "stale" file cleaned up) takes every record written since into a file no other command reads,
 * and a crash of this process loses them.
 */
export function fileMoved(file: string): FileMovedWatch {
  const opened = identity(file);
  // The log and its index: with the index deleted, the next command starts another one, and two
  // processes then append to the same log each by its own index, over each other's records.
  const logs = ['-wal', '-shm'].map((suffix) => `${sqlitePath(file)}${suffix}`);
  const openedLogs = logs.map(identity);
  const notTheOpened = (i: number): boolean => {
    const openedLog = openedLogs[i];
    if (!openedLog || openedLog === UNKNOWN) return false;
    const nowLog = identity(logs[i]!);
    return nowLog !== UNKNOWN && !(nowLog && sameFile(nowLog, openedLog));
  };
  const writtenOver = olderCopyWatch(file, opened);
  const watch = () => {
    if (!opened || opened === UNKNOWN) return undefined;
    const now = identity(file);
    // A stat that failed for another reason (permissions, a stale network mount) says nothing
    // about the file: the writer goes on, as it did before this check.
    if (now === UNKNOWN) return undefined;
    if (!now || !sameFile(now, opened)) return now === undefined ? 'deleted' : 'replaced';
    if (writtenOver(now)) return 'restored';
    return logs.some((_, i) => notTheOpened(i)) ? 'log-deleted' : undefined;
  };
  // With only the index deleted, the log at the path still holds this connection's records, and the
  // next command reads them from it.
  return Object.assign(watch, { logItselfMoved: () => notTheOpened(0) });
}

/**
 * `fileMoved`'s check; `logItselfMoved`: whether the write-ahead log itself (not only its index) is
 * gone or another since the watch began.
 */
export type FileMovedWatch = (() => Moved | undefined) & { logItselfMoved(): boolean };

/**
 * Whether an older copy of the file was written over it in place (`cp backup.db state.db`), which
 * keeps its identity: this process's connection goes on reading its cached pages, so the file's
 * generation (generation.ts) is read afresh, through a connection of its own, each time the file's
 * size or times moved (another command's checkpoint, or the copy). Once seen, the verdict stands.
 */
function olderCopyWatch(file: string, opened: Identity | undefined | typeof UNKNOWN): (now: Identity) => boolean {
  let seen = opened === UNKNOWN ? undefined : opened;
  let known = seen && freshGeneration(file);
  let restored = false;
  return (now) => {
    if (restored || !known || !seen || sameContentStamp(now, seen)) return restored;
    seen = now;
    // What this process (or another) wrote since is in the note, not in what it last read. Read
    // before the file: a change committed and noted between the two reads is then in both.
    const noted = readNote(file);
    const fresh = freshGeneration(file);
    if (!fresh) return false;
    const since = noted?.id === known.id && noted.counter > known.counter ? noted : known;
    restored = fresh.id !== since.id || fresh.counter < since.counter;
    if (!restored) known = fresh;
    return restored;
  };
}

function sameContentStamp(a: Identity, b: Identity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

function sameFile(a: { dev: number; ino: number }, b: { dev: number; ino: number }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** What became of the state file, for messages. */
function movedAway(file: string, how: Moved): string {
  if (how === 'log-deleted')
    return `the write-ahead log of the state file ${file} or its index (${sqlitePath(file)}-wal, -shm) was deleted`;
  if (how === 'restored') return `the state file ${file} was written over by an older copy of itself`;
  return `the state file ${file} was ${how === 'replaced' ? 'replaced by another file' : 'deleted'}`;
}

/**
 * Closes the state database so that it never takes a log other commands still write. The connection
 * closed last lays the log into the file by its own index, then deletes the log: with the index
 * deleted and started afresh by a command opened since, this connection's index no longer tells
 * what the log holds, and that command's records (a send's ledger, an unsubscribe) would be deleted
 * with it. A read-only connection held across the close keeps this one from being the last, and
 * closes without touching the log itself: the next command reads the log by its new index.
 */
export function closeStateDb(db: StateDb, moved: (() => Moved | undefined) | undefined): void {
  if (moved?.() !== 'log-deleted') {
    db.close();
    return;
  }
  let holder: StateDb | undefined;
  try {
    holder = new Database(db.name, { readonly: true, fileMustExist: true });
    holder.prepare('SELECT 1 FROM sqlite_master').get();
  } catch {
    // The log itself is gone (not only its index): nobody else can read it, and closing lays what
    // this connection wrote into the file, as it always did.
    holder?.close();
    holder = undefined;
  }
  try {
    db.close();
  } finally {
    holder?.close();
  }
}

/** The error of a write refused because the file at the path is no longer the one opened. */
export function movedAwayError(file: string, how: Moved, outcome: string, hint: string): RolecastError {
  return new RolecastError('E_STATE_WRITE', `${movedAway(file, how)} after it was opened: ${outcome}`, {
    exitCode: EXIT.sendFailed,
    hint,
  });
}

const UNKNOWN = 'unknown';

/** The file's identity, through any symbolic links; undefined when it is gone, UNKNOWN when the stat failed otherwise. */
interface Identity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

function identity(path: string): Identity | undefined | typeof UNKNOWN {
  try {
    const { dev, ino, size, mtimeMs, ctimeMs } = statSync(path);
    return { dev, ino, size, mtimeMs, ctimeMs };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? undefined : UNKNOWN;
  }
}

/**
 * A copy of the open database at `to` (never over an existing file: VACUUM INTO refuses one). A log
 * and index left where the file was deleted are the deleted file's (this send's, still written
 * through open handles): beside the copy, SQLite would read them as its own and lay the deleted
 * file's pages over it. Everything they hold is in the copy, so they go.
 */
function writeBack(db: StateDb, to: string): { to?: string; failed?: string } {
  try {
    if (existsSync(to)) return { failed: `${to} exists` };
    for (const leftover of [`${to}-wal`, `${to}-shm`]) rmSync(leftover, { force: true });
    mkdirSync(dirname(to), { recursive: true });
    // Written aside, then linked into place: a process killed half-way leaves no torn file where the
    // state goes (and the copy aside is refused by name, see assertLogWhole), and a file that
    // appeared there meanwhile is never replaced (link fails with EEXIST).
    const partial = `${to}${WRITING}${process.pid}`;
    rmSync(partial, { force: true });
    db.prepare('VACUUM INTO ?').run(partial);
    linkSync(partial, to);
    unlinkSync(partial);
    return { to };
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}
