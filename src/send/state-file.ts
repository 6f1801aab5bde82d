import { accessSync, constants, existsSync, lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { isSqliteBusy } from '../db/sqlite-busy.js';
import { EXIT, RolecastError, SEND_AGAIN } from '../errors.js';
import { logMismatch, type NewerFile, type OlderFile } from './log-origin.js';
import { type LogRead, logCopies, readLog, walDamage, walLoss } from './wal-check.js';

/**
 * How a state file is judged before anything trusts it. A damaged file (not SQLite, corrupt,
 * truncated, another application's database, rows rolecast never writes) is an input error: it is
 * never repaired, replaced or read as "nothing sent", since that would send every reader the issue
 * again. A full disk or other write failure is a send failure of its own. Every command goes through
 * `stateFileError`, so each prints the same message for the same file.
 */

/** `PRAGMA application_id` of rolecast state files: "RLCS". */
export const APPLICATION_ID = 0x524c4353;

/** The columns each table had from the start; later columns are added on open (see store.ts). */
const BASE_COLUMNS: Record<string, readonly string[]> = {
  deliveries: ['issue_id', 'channel', 'email', 'variant_id', 'status', 'message_id', 'attempts', 'updated_at'],
  runs: ['issue_id', 'channel', 'planned', 'started_at', 'finished_at', 'outcome'],
  suppressions: ['email', 'reason', 'source', 'created_at'],
  locks: ['issue_id', 'pid', 'host', 'token', 'started_at'],
  schedule_waves: ['issue_id', 'channel', 'wave_utc', 'status', 'recipients', 'zones', 'updated_at'],
};

/** A row no version of rolecast writes: reading past it could turn "sent" into "not sent". */
const GARBLED_ROWS: Record<string, string> = {
  deliveries: `issue_id IS NULL OR channel IS NULL OR (channel NOT IN ('smtp', 'outbox') AND channel NOT LIKE 'outbox:%') OR typeof(email) != 'text'
    OR email = '' OR status IS NULL OR status NOT IN ('sent', 'failed', 'deferred')`,
  runs: `issue_id IS NULL OR channel IS NULL OR (channel NOT IN ('smtp', 'outbox') AND channel NOT LIKE 'outbox:%') OR typeof(planned) != 'integer'`,
  suppressions: `typeof(email) != 'text' OR email = ''`,
  locks: `issue_id IS NULL OR typeof(pid) != 'integer' OR token IS NULL`,
  schedule_waves: `issue_id IS NULL OR wave_utc IS NULL OR status IS NULL
    OR status NOT IN ('pending', 'sending', 'sent', 'missed', 'failed')`,
};

export const DAMAGED_ADVICE = 'restore it from a backup or move it aside; nothing was sent';

/** The one message for a state file that cannot be trusted. */
export function stateDamaged(file: string, reason: string, cause?: unknown): RolecastError {
  return new RolecastError('E_STATE_DAMAGED', `the state file ${file} is damaged: ${reason} — ${DAMAGED_ADVICE}`, {
    hint: 'rolecast never repairs or replaces a state file; see "State file recovery" in the README',
    cause,
  });
}

/** A write to the state file failed (full disk, I/O error): the run stops, with exit code 3. */
export function stateWriteFailed(file: string, cause: unknown, again = SEND_AGAIN): RolecastError {
  const code = codeOf(cause);
  const free =
    code === 'SQLITE_FULL' || code === 'ENOSPC'
      ? 'free space on its disk'
      : code === 'EDQUOT'
        ? 'raise or free its disk quota'
        : 'free space on its disk (or fix the I/O error)';
  return new RolecastError('E_STATE_WRITE', `the state file ${file} could not be written: ${reasonOf(cause)}`, {
    exitCode: EXIT.sendFailed,
    hint: isReadOnly(code)
      ? `${READ_ONLY_ADVICE}, then run the same command again: ${again}`
      : `${free} and run the same command again: ${again}`,
    cause,
  });
}

const READ_ONLY_ADVICE =
  'the file may well be intact: check that it and its folder can be read and written by this user and are not on a read-only file system; do not move it aside, or every reader is sent the issue again';

/** A file or folder this user may not write, or a read-only mount: no disk to free. */
function isReadOnly(code: string): boolean {
  return (code.startsWith('SQLITE_READONLY') && code !== 'SQLITE_READONLY_DBMOVED') || code === 'EROFS';
}

/** Codes of SQLite errors that mean the file's bytes are not a sound database. */
function isCorruption(code: string): boolean {
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_FORMAT';
}

/** Codes that mean a write could not reach the disk. */
function isWriteFailure(code: string): boolean {
  return (
    code === 'SQLITE_FULL' ||
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    code === 'EROFS' ||
    code === 'EIO'
  );
}

/** Classifies any failure to open, check, read or write a state file into the error a person sees. */
export function stateFileError(file: string, error: unknown): RolecastError {
  if (error instanceof RolecastError) return error;
  const code = codeOf(error);
  if (isCorruption(code)) return stateDamaged(file, reasonOf(error), error);
  // Read-only at open (SQLite opens a file it may not write read-only, and the first write fails):
  // nothing was sent, and it is no full disk.
  if (isReadOnly(code) && fileKind(file) === 'file')
    return new RolecastError(
      'E_INVALID',
      `the state file ${file} could not be opened for writing: ${reasonOf(error)}`,
      {
        hint: READ_ONLY_ADVICE,
        cause: error,
      },
    );
  if (isWriteFailure(code)) return stateWriteFailed(file, error);
  if (code === 'SQLITE_CANTOPEN' || code === 'EACCES' || code === 'EPERM' || code === 'EISDIR') {
    const kind = fileKind(file);
    if (kind !== 'file' && kind !== 'missing') return stateDamaged(file, `it is a ${kind}, not a file`, error);
    // An intact file on a read-only mount, or without the permissions: not damage, and moving it
    // aside (the damaged file's advice) would mail every reader again.
    if (kind === 'file')
      return new RolecastError('E_INVALID', `the state file ${file} could not be opened: ${reasonOf(error)}`, {
        hint: READ_ONLY_ADVICE,
        cause: error,
      });
  }
  return new RolecastError('E_INVALID', `the state file ${file} could not be opened: ${reasonOf(error)}`, {
    hint: 'check the path given with --state (or stateDir in rolecast.config.json) and its permissions',
    cause: error,
  });
}

/**
 * For a failure while using an open state file: corruption and write failures get their message;
 * anything else (a bug) is returned as it was.
 */
export function stateUseError(file: string, error: unknown, again = SEND_AGAIN): unknown {
  if (error instanceof RolecastError) return error;
  const code = codeOf(error);
  if (isCorruption(code)) return stateDamaged(file, reasonOf(error), error);
  if (isWriteFailure(code)) return stateWriteFailed(file, error, again);
  if (isSqliteBusy(error)) return stateBusy(file, error, again);
  return error;
}

/** Another program held the file locked past SQLite's wait: nothing is wrong with it. */
function stateBusy(file: string, cause: unknown, again: string): RolecastError {
  return new RolecastError(
    'E_STATE_WRITE',
    `the state file ${file} is locked by another program (${reasonOf(cause)})`,
    {
      exitCode: EXIT.sendFailed,
      hint: `another program kept it locked longer than rolecast waits (a backup, an open sqlite3 shell); once it lets go, run the same command again (${again === SEND_AGAIN ? `a send resumes: ${again}` : again})`,
      cause,
    },
  );
}

/**
 * The file SQLite opens for `file`: a symbolic link is followed (SQLite keeps the write-ahead log
 * beside the file the link points to, not beside the link), a dangling one too.
 */
export function sqlitePath(file: string): string {
  return linkHops(file).at(-1)!;
}

/** `file`, and each path its links lead to in turn, the one SQLite opens last. */
export function linkHops(file: string): string[] {
  const hops = [file];
  for (let hop = 0; hop < 40; hop++) {
    const path = hops.at(-1)!;
    let isLink: boolean;
    try {
      isLink = lstatSync(path).isSymbolicLink();
    } catch {
      return hops;
    }
    if (!isLink) return hops;
    hops.push(resolve(dirname(path), readlinkSync(path)));
  }
  return hops;
}

/**
 * A state file that does not exist yet can be created where it is named: the nearest folder of its
 * path that exists is a folder this process may write. A dry run writes no state, so without this
 * it would pass where the send it rehearses stops before its first message.
 */
export function assertStateFileCreatable(file: string): void {
  let folder = dirname(sqlitePath(file));
  for (;;) {
    const kind = fileKind(folder);
    if (kind === 'directory') break;
    if (kind !== 'missing') throw stateFolderError(file, `${folder} is a ${kind}, not a folder`);
    const parent = dirname(folder);
    if (parent === folder) return;
    folder = parent;
  }
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch {
    throw stateFolderError(file, `the folder ${folder} is not writable by this user`);
  }
}

function stateFolderError(file: string, reason: string): RolecastError {
  return new RolecastError('E_STATE_WRITE', `the state file ${file} could not be created: ${reason}`, {
    hint: 'set stateDir in the config (or --state) to a folder this user can write; nothing was sent',
    exitCode: EXIT.invalidInput,
  });
}

/** Refuses a path that exists but is not a regular file, before SQLite gives a vaguer error. */
export function assertStateFileKind(file: string): 'file' | 'missing' {
  const kind = fileKind(file);
  if (kind === 'file' || kind === 'missing') return kind;
  throw stateDamaged(file, `it is a ${kind}, not a file`);
}

/**
 * Refuses a state file whose write-ahead log SQLite would cut short, dropping committed records
 * (see wal-check.ts). Read twice before refusing: a `serve` writing meanwhile may have restarted
 * the log under the first read.
 */
export function assertLogSound(file: string): void {
  assertLogWhole(file);
  const path = sqlitePath(file);
  const wal = `${path}-wal`;
  const log = readLog(wal);
  if (!log) return;
  if (log.damage) {
    const damage = walDamage(wal);
    if (!damage) return;
    throw stateDamaged(
      file,
      `its write-ahead log ${wal} has a bad frame (${damage.frame}) followed by ${damage.dropped} more, which SQLite would drop without a word: messages recorded there would read as never sent`,
    );
  }
  assertLogOfThisFile(file, path, wal, log);
}

/**
 * The check of `assertLogSound` for the reads that skip it (the preview on every edit, `check`,
 * `report`): the log's frame headers only, and when the copies they point to would give the file
 * another id, the whole log as `assertLogSound` reads it. Without it a log of another state file
 * was read through there: its suppressed readers shown as receiving, its clicks as this file's.
 */
export function assertLogOfThisFileAtAGlance(file: string): void {
  const path = sqlitePath(file);
  const wal = `${path}-wal`;
  const copies = logCopies(wal);
  if (copies && logMismatch(path, wal, copies)) assertLogSound(file);
}

/**
 * Refuses a log written for another state file, or after changes an earlier copy of this one lacks
 * (see log-origin.ts), read twice like the damage above: a `serve` writing meanwhile may have
 * copied the log into the file under the first read.
 */
function assertLogOfThisFile(file: string, path: string, wal: string, log: LogRead): void {
  if (!logMismatch(path, wal, log)) return;
  const again = readLog(wal);
  const mismatch = again && logMismatch(path, wal, again);
  if (!mismatch) return;
  if (mismatch.kind === 'older') throw olderThanLog(file, path, wal, mismatch);
  if (mismatch.kind === 'newer') throw newerThanLog(file, path, wal, mismatch);
  throw new RolecastError(
    'E_STATE_DAMAGED',
    `the state file ${file} is damaged: its write-ahead log ${wal} belongs to another state file (its pages carry the id ${mismatch.logId}, the file's own ${mismatch.fileId}): SQLite would lay it over the file, which would then read as the other one, its messages sent and suppressed readers gone; nothing was sent`,
    {
      hint: `stop every rolecast command using the file (serve too), move ${wal} and ${path}-shm aside (they belong beside the state file whose id is ${mismatch.logId}), and run the same command again; do not delete state.db itself`,
    },
  );
}

function olderThanLog(file: string, path: string, wal: string, older: OlderFile): RolecastError {
  return new RolecastError(
    'E_STATE_RESTORED',
    `the state file ${file} is older than its write-ahead log ${wal}: the log was written after the file had taken ${older.logAfter} change(s), and the file holds ${older.fileAt} (an earlier copy put back, with the log a later run left beside it); SQLite would lay the log over pages it was not written after, and the changes in between (unsubscribes, messages sent) would be gone; nothing was sent`,
    {
      hint: `stop every rolecast command using the file, put back the copy of ${path} this log was written with (the newest one) and run the same command again; to go on from this copy instead, move ${wal} and ${path}-shm aside (what only the log holds goes with them) and see "State file recovery" in the README`,
    },
  );
}

function newerThanLog(file: string, path: string, wal: string, newer: NewerFile): RolecastError {
  const when =
    newer.logAt === undefined ? 'before the file had an id' : `when the file had taken ${newer.logAt} change(s)`;
  return new RolecastError(
    'E_STATE_RESTORED',
    `the state file ${file} is newer than its write-ahead log ${wal}: the log was written ${when}, and the file holds ${newer.fileAt} (a log of an earlier run put back beside it, or the file from a later copy); SQLite would lay the log's older pages over the file, and the changes since (messages sent, unsubscribes) would be gone; nothing was sent`,
    {
      hint: `stop every rolecast command using the file, move ${wal} and ${path}-shm aside (they belong with an earlier copy of the file) and run the same command again; if this file was written on without that log (a copy taken without its -wal), the readers only the log records as sent are not in it: see "State file recovery" in the README`,
    },
  );
}

/**
 * Refuses a state file whose write-ahead log lacks frames its index (`-shm`, left by a process
 * killed mid-send) lists as committed: the log deleted, cut short or replaced since (see
 * wal-check.ts). SQLite would open the rest without a word, and those readers would be mailed again.
 * Cheap (the index's header and the log's size), so checked by every open, the light ones too: the
 * first to open the file rebuilds the index from the log, and the loss can no longer be seen.
 */
export function assertLogWhole(file: string): void {
  const path = sqlitePath(file);
  const wal = `${path}-wal`;
  const shm = `${path}-shm`;
  // The rollback journal too: SQLite looks for one at every open, WAL mode or not. Checked before
  // the file is made as well: SQLite would make it, then fail on the folder beside it.
  // rolecast's own too: a folder there would silently drop the check they stand for, or fail the write.
  for (const suffix of Object.keys(SIDE_FILES)) {
    const side = `${path}${suffix}`;
    const kind = fileKind(side);
    if (kind !== 'file' && kind !== 'missing') throw sideFileInTheWay(file, side, suffix, kind);
  }
  if (!existsSync(path)) {
    // A send stopped while it wrote its records back (its file deleted under it): they are in the copy.
    const copy = unfinishedWriteBack(path);
    if (copy)
      throw new RolecastError(
        'E_STATE_DAMAGED',
        `the state file ${file} is missing, and ${copy} beside it is the copy a send was writing back when it stopped: the records of that send are there; nothing was sent`,
        {
          hint: `check it with sqlite3 ${copy} "PRAGMA quick_check" and move it to ${path} to go on from it; starting without it would send those readers the issue again`,
        },
      );
    // No state file (moved aside to start afresh): an index left beside it guards nothing.
    return;
  }
  const loss = walLoss(wal, shm);
  if (!loss) return;
  const what =
    loss.present === 0
      ? `its write-ahead log ${wal} is missing (or is another file's)`
      : `its write-ahead log ${wal} ends after ${loss.present} frame(s)`;
  throw new RolecastError(
    'E_STATE_DAMAGED',
    `the state file ${file} is damaged: ${what}, but its index ${shm} lists committed records there (${loss.committed} frame(s) not yet in the file): messages recorded there would read as never sent; nothing was sent`,
    {
      hint: `put the log back beside the file as it was (a copy of the state file needs its -wal file); if it is lost for good, see "State file recovery" in the README before you delete ${shm} to go on without those records: readers recorded only there would be sent the issue again`,
    },
  );
}

/** Who keeps what in each file beside the state file, by the suffix of its name. */
const SIDE_FILES: Record<string, [keeper: string, what: string]> = {
  '-wal': ['SQLite', 'write-ahead log'],
  '-shm': ['SQLite', 'log index'],
  '-journal': ['SQLite', 'rollback journal'],
  '.generation': ['rolecast', 'note of how far the file has been written (which tells a copy put back from a backup)'],
  '.unsubscribe-journal': ['rolecast', 'unsubscribe journal (unsubscribes it could not write to the file yet)'],
  '.unrecorded.jsonl': ['rolecast', 'record of messages sent that it could not write to the file'],
};

/** A folder (or device, socket) where SQLite or rolecast keeps a file beside the state file: it holds no record. */
function sideFileInTheWay(file: string, side: string, suffix: string, kind: string): RolecastError {
  const [keeper, what] = SIDE_FILES[suffix]!;
  return new RolecastError(
    'E_STATE_DAMAGED',
    `the state file ${file} cannot be opened: ${side}, where ${keeper} keeps its ${what}, is a ${kind}, not a file; nothing was sent`,
    {
      hint: `move ${side} aside (a ${kind} holds none of the state's records) and run the same command again; do not move the state file itself, or readers already sent are mailed again`,
    },
  );
}

/** What a state file's copy being written back is named until it is in place: `state.db.writing-<pid>`. */
export const WRITING = '.writing-';

function unfinishedWriteBack(path: string): string | undefined {
  const prefix = `${basename(path)}${WRITING}`;
  try {
    const found = readdirSync(dirname(path)).find((name) => name.startsWith(prefix));
    return found && join(dirname(path), found);
  } catch {
    return undefined;
  }
}

/** `light`: only what reading the suppression list needs, for the preview's rebuild on every edit. */
export type StateCheck = 'full' | 'light';

/**
 * Checks an open state database before anything reads it: sound pages (`quick_check`), rolecast's
 * own tables (by application id, or by table shape for files written before the id existed), and
 * no row that rolecast would never write. Throws E_STATE_DAMAGED; reads only. A `light` check
 * skips the page check and looks only at the suppressions' rows (a read that meets a damaged page
 * still fails, and `stateFileError` names it); a 100k-row ledger costs about a second in full.
 */
export function verifyStateDb(
  db: Database.Database,
  file: string,
  check: StateCheck = 'full',
  /**
   * Run once the file is known to be rolecast's, before its columns and rows are looked at: a file
   * of a newer release may hold values this one never writes, and is no damaged file to move aside.
   */
  rolecasts: () => void = () => {},
): void {
  try {
    const pages = check === 'full' ? (db.pragma('quick_check', { simple: true }) as string) : 'ok';
    if (pages !== 'ok') throw stateDamaged(file, `the integrity check failed (${String(pages).slice(0, 200)})`);
    const id = db.pragma('application_id', { simple: true }) as number;
    if (id !== 0 && id !== APPLICATION_ID)
      throw stateDamaged(file, `it is the database of another application (application_id ${hex(id)})`);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    // Marked as rolecast's: a newer release may keep its records under tables of other names.
    if (id === APPLICATION_ID) rolecasts();
    if (tables.length === 0) return;
    if (!tables.includes('deliveries')) {
      const list = tables.slice(0, 5).join(', ');
      throw stateDamaged(file, `it is not a rolecast state file (an SQLite database with the tables ${list})`);
    }
    if (id !== APPLICATION_ID) rolecasts();
    for (const table of tables) {
      const expected = BASE_COLUMNS[table];
      if (!expected) continue;
      const columns = new Set((db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
      const missing = expected.filter((c) => !columns.has(c));
      if (missing.length > 0)
        throw stateDamaged(file, `its table ${table} lacks the column(s) ${missing.join(', ')} rolecast writes`);
      if (check === 'light' && table !== 'suppressions') continue;
      const garbled = db.prepare(`SELECT COUNT(*) FROM ${table} WHERE ${GARBLED_ROWS[table]}`).pluck().get() as number;
      if (garbled > 0)
        throw stateDamaged(file, `its table ${table} holds ${garbled} row(s) with values rolecast never writes`);
    }
  } catch (error) {
    throw stateFileError(file, error);
  }
}

/** Marks a writable state file as rolecast's, so a later open can tell it from another application's. */
export function markStateDb(db: Database.Database): void {
  if ((db.pragma('application_id', { simple: true }) as number) !== APPLICATION_ID)
    db.pragma(`application_id = ${APPLICATION_ID}`);
}

function fileKind(file: string): 'file' | 'missing' | 'directory' | 'special file' {
  try {
    const stat = statSync(file);
    if (stat.isFile()) return 'file';
    return stat.isDirectory() ? 'directory' : 'special file';
  } catch {
    return 'missing';
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim().slice(0, 300);
}

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}
