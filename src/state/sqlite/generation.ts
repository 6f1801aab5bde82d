import { randomUUID } from 'node:crypto';
import { uptime } from 'node:os';
import Database from 'better-sqlite3';
import { isSqliteBusy, isSqliteError } from '../../db/sqlite-busy.js';
import { hasColumn } from '../../db/sqlite-tables.js';
import { RolecastError } from '../../errors.js';
import { sqlitePath } from '../../send/state-file.js';
import type { StateDb } from '../../send/store.js';
import {
  type NotedPair,
  outsideNoteOf,
  readPair,
  readPairInBackground,
  writePair,
  writePairInBackground,
} from './outside-note.js';
import { notePath, notePathInBackground } from './path-note.js';
import { prepared } from './statements.js';

/**
 * How far a state file has been written, to tell it from an older copy of itself put back over it.
 * A `cp backup.db state.db` keeps the file's identity, so no check by inode sees it, and SQLite in
 * WAL mode moves no header counter per commit. Instead the file holds one row: an id drawn when the
 * row was made and a counter its own triggers raise with every change to the ledger, the runs, the
 * suppression list and the readers (in the same transaction, whatever release or command writes).
 * Each command that writes notes the pair in a small file beside the state (`state.db.generation`);
 * a state file whose counter is below the note, under the same id, is an older copy.
 */
export interface Generation {
  id: string;
  counter: number;
}

const TRACKED = ['deliveries', 'runs', 'suppressions', 'readers'] as const;
const CHANGES = ['INSERT', 'UPDATE', 'DELETE'] as const;

/** Creates the row and its triggers when missing (a file from an earlier release gets a new id). */
export function ensureGeneration(db: StateDb): void {
  // Looked up first: taking the write lock at every open would make a command wait on (and after
  // five seconds be refused by) another one's long write, such as an import, which it never did.
  if (!hasGeneration(db)) createGeneration(db);
  markEveryWrite(db);
  markLogBase(db);
}

function createGeneration(db: StateDb): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS state_generation (id TEXT NOT NULL, counter INTEGER NOT NULL)');
    for (const table of TRACKED)
      for (const change of CHANGES)
        db.exec(
          `CREATE TRIGGER IF NOT EXISTS state_generation_${table}_${change.toLowerCase()} AFTER ${change} ON ${table} ` +
            'BEGIN UPDATE state_generation SET counter = counter + 1; END',
        );
    db.prepare(
      'INSERT INTO state_generation (id, counter) SELECT ?, 0 WHERE NOT EXISTS (SELECT 1 FROM state_generation)',
    ).run(randomUUID());
  }).immediate();
}

/**
 * The tables the counter leaves out (clicks, waves, bounce events, locks, the issue layout) rewrite
 * the row too, in a column of its own: a write-ahead log of another state file (see
 * send/log-origin.ts) then always holds that file's row and id, whichever table it wrote. One that
 * held only a click a `serve` took read as this file's own, and SQLite laid its pages over the file.
 * Run again by the stores that create a table later (bounces, waves); a file without the row is left.
 */
export function markEveryWrite(db: StateDb): void {
  if (db.readonly) return;
  // Another command may have added them meanwhile: nothing left to retry either.
  if (!unmarked(db)) {
    unmarkedAfterBusy.delete(db);
    return;
  }
  try {
    addMarks(db);
    unmarkedAfterBusy.delete(db);
  } catch (error) {
    // Another command writing past the wait: added at this connection's next write (retryMarks).
    if (!isSqliteBusy(error)) throw error;
    unmarkedAfterBusy.add(db);
  }
}

/** Connections that found the file locked when adding the marks, until they are added. */
const unmarkedAfterBusy = new WeakSet<StateDb>();

/** Whether this connection could not add the marks yet (another command held the file). */
export function marksPending(db: StateDb): boolean {
  return unmarkedAfterBusy.has(db);
}

/**
 * Adds the marks a locked file kept out at open, once nothing holds it: a `serve` runs for weeks,
 * and without them its check stayed weaker until some other command opened the file to write.
 * Called around writes; with serve's busy timeout of zero a file still locked costs nothing.
 */
export function retryMarks(db: StateDb): void {
  if (!unmarkedAfterBusy.has(db) || !db.open || db.inTransaction) return;
  try {
    markEveryWrite(db);
  } catch (error) {
    // A file that takes no writes now (read-only, a full disk): the write this runs before goes to
    // its journal as it would without the marks, and they are tried again at the next one.
    if (!isSqliteError(error)) throw error;
    markFailed(db, error);
    return;
  }
  if (!unmarkedAfterBusy.has(db)) markLogBase(db);
}

/** Where a connection's failures to mark are told, once each (serve's log). */
const markFailureLogs = new WeakMap<StateDb, (line: string) => void>();
const markFailureTold = new WeakSet<StateDb>();

/** Tells `log`, once, of the first failure to mark the file this connection has (see markFailed). */
export function logMarkFailures(db: StateDb, log: ((line: string) => void) | undefined): void {
  if (log) markFailureLogs.set(db, log);
}

/**
 * Marks are written around a write, never as part of it: one that fails (a full disk, an I/O error)
 * must not stop the write or undo its answer, since the write itself stands without them.
 */
function markFailed(db: StateDb, error: unknown): void {
  if (isSqliteBusy(error) || markFailureTold.has(db)) return;
  markFailureTold.add(db);
  const reason = error instanceof Error ? error.message : String(error);
  markFailureLogs.get(db)?.(
    `warning: the marks that tie the write-ahead log to the state file ${db.name} could not be written (${reason}); its writes go on, and the marks are tried again with later ones: free space on its disk`,
  );
}

function addMarks(db: StateDb): void {
  db.transaction(() => {
    const now = unmarked(db);
    if (!now) return;
    for (const column of now.columns)
      db.exec(`ALTER TABLE state_generation ADD COLUMN ${column} INTEGER NOT NULL DEFAULT 0`);
    for (const name of now.triggers) {
      const [table, change] = now.of.get(name)!;
      db.exec(
        `CREATE TRIGGER IF NOT EXISTS "${name}" AFTER ${change} ON "${table}" BEGIN UPDATE state_generation SET ${MARK} = ${MARK} + 1; END`,
      );
    }
  }).immediate();
}

/**
 * Records in the file's id row how far the file's own pages have got (its counter and mark, all of
 * it copied in from the log by a checkpoint that left nothing behind), so that every copy of that
 * row the log holds from then on says which state of the file it was written after. A state file
 * put back from an earlier copy of itself with a later log beside it (see send/log-origin.ts) has
 * its own pages behind that, and SQLite would lay the log over pages it was never written after:
 * changes in between (a suppression, a "sent" row) gone, with the id and the count read through the
 * log the newest ones. The value read before the checkpoint is one the file has reached once the
 * checkpoint copied everything; a write it cannot take at once (another command writing) is left,
 * and so is one the file refuses (read-only, a full disk): the mark only strengthens a later check,
 * and a `serve` whose reader's unsubscribe went to the journal must still answer that it did.
 */
export function markLogBase(db: StateDb): boolean {
  if (db.memory || db.readonly || db.inTransaction) return false;
  let row: { total: number; base: number } | undefined;
  try {
    row = db.prepare(`SELECT counter + ${MARK} AS total, ${BASE} AS base FROM state_generation LIMIT 1`).get() as
      | { total: number; base: number }
      | undefined;
  } catch {
    // No row, or the columns not added yet (another command held the file as it opened).
    return false;
  }
  if (!row || row.total <= row.base) return true;
  try {
    const [copied] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    if (copied?.busy !== 0 || copied.log < 0 || copied.checkpointed !== copied.log) return false;
    db.prepare(`UPDATE state_generation SET ${BASE} = ? WHERE ${BASE} < ?`).run(row.total, row.total);
    return true;
  } catch (error) {
    // Run after a write committed (or before one): its result stands whatever happens here.
    if (!isSqliteError(error)) throw error;
    markFailed(db, error);
    return false;
  }
}

/**
 * Ledger rows after which a send copies the log into the file itself (`checkpointAhead`). A row adds
 * at most ~5 frames (its table and index pages, the change count's; a batch of rows shares pages),
 * so this comes well before SQLite's own checkpoint at 10,000 frames (`wal_autocheckpoint` in
 * store.ts). Counted, not read from the log's index: reading the index means opening and closing
 * `-shm`, and closing any descriptor of a file drops every lock this process holds on it, SQLite's
 * own included (see send/held-here.ts).
 */
const OWN_CHECKPOINT_ROWS = 1000;
const rowsSinceCheckpoint = new WeakMap<StateDb, number>();

/**
 * SQLite's own checkpoint copies the log into the file, and the next write starts the log afresh
 * with no record of how far the file had got: a copy of the file taken before that checkpoint, put
 * back beside the later log, read as the file the log was written after, and the readers recorded
 * in between as never sent. Run after each of a send's ledger writes, this copies the log in first
 * through `markLogBase`, whose record then opens the next log; one it could not make (a reader
 * holding the log) is tried again at the next write. A file SQLite checkpoints anyway (a reader
 * holding the log past 2,000 more frames, another command's long write) is checked as before.
 */
export function checkpointAhead(db: StateDb, rows: number): void {
  const since = (rowsSinceCheckpoint.get(db) ?? 0) + rows;
  rowsSinceCheckpoint.set(db, since);
  if (since >= OWN_CHECKPOINT_ROWS && markLogBase(db)) rowsSinceCheckpoint.set(db, 0);
}

const MARK = 'log_mark';
/** How far the file's own pages had got (counter + mark) when the log was written on: see `markLogBase`. */
const BASE = 'log_base';

/** What `markEveryWrite` has left to add; undefined when nothing (or the file has no row yet). */
function unmarked(
  db: StateDb,
): { columns: string[]; triggers: string[]; of: Map<string, [table: string, change: string]> } | undefined {
  const objects = db.prepare("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger')").all() as {
    type: string;
    name: string;
  }[];
  const tables = objects.filter((o) => o.type === 'table').map((o) => o.name);
  if (!tables.includes('state_generation')) return undefined;
  const triggers = new Set(objects.filter((o) => o.type === 'trigger').map((o) => o.name));
  const of = new Map<string, [string, string]>();
  const skip = new Set<string>(['state_generation', ...TRACKED]);
  for (const table of tables.filter((t) => !skip.has(t) && !t.startsWith('sqlite_')))
    for (const change of CHANGES) of.set(`state_mark_${table}_${change.toLowerCase()}`, [table, change]);
  const columns = [MARK, BASE].filter((c) => !hasColumn(db, 'state_generation', c));
  const missing = [...of.keys()].filter((name) => !triggers.has(name));
  return columns.length === 0 && missing.length === 0 ? undefined : { columns, triggers: missing, of };
}

/** Whether the row and every trigger that raises its counter are in the file. */
function hasGeneration(db: StateDb): boolean {
  const present = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as { name: string }[]).map(
      (t) => t.name,
    ),
  );
  return triggerNames().every((name) => present.has(name)) && readGeneration(db) !== undefined;
}

function triggerNames(): string[] {
  return TRACKED.flatMap((table) => CHANGES.map((change) => `state_generation_${table}_${change.toLowerCase()}`));
}

/** The file's own row; undefined in a file no release with this check has opened for writing. */
export function readGeneration(db: StateDb): Generation | undefined {
  try {
    // Prepared once per connection: a send reads it each time it notes the count.
    return prepared(db, 'SELECT id, counter FROM state_generation LIMIT 1').get() as Generation | undefined;
  } catch {
    return undefined;
  }
}

/** The row as a new read-only connection sees it: the file at the path, not this process's cache. */
export function freshGeneration(file: string): Generation | undefined {
  try {
    const db = new Database(sqlitePath(file), { readonly: true, fileMustExist: true });
    try {
      return readGeneration(db);
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

/** Where the note of the latest pair is kept: beside the file SQLite opens, as its log is. */
export function generationNoteOf(file: string): string {
  return `${sqlitePath(file)}.generation`;
}

/** The pair last noted beside the file, if any. */
export function readNote(file: string): NotedPair | undefined {
  return readPair(generationNoteOf(file));
}

/**
 * Notes the file's pair beside it and in this user's cache folder (outside-note.ts), after a write
 * has committed: the notes never run ahead of the file (two commands noting at once may leave the
 * lower pair, which only weakens the check). A note that cannot be written is left as it was.
 */
export function noteGeneration(db: StateDb, file: string): void {
  retryMarks(db);
  const now = committedGeneration(db);
  if (!now) return;
  if (behind(readNote(file), now)) writePair(generationNoteOf(file), now);
  const outside = outsideNoteOf(file, now.id);
  if (outside && behind(readPair(outside), now)) writePair(outside, now, true);
  notePath(file, now);
}

/**
 * `noteGeneration` with the files written off the event loop: a send notes the count every fraction
 * of a second, and a write and rename there held every connection's next message for milliseconds
 * each time. The pair is read now, after the write committed, so it is one the file has reached.
 * Callers let one finish before the next note of the same file (see sqliteState).
 */
export async function noteGenerationInBackground(db: StateDb, file: string): Promise<void> {
  retryMarks(db);
  const now = committedGeneration(db);
  if (!now) return;
  const beside = generationNoteOf(file);
  if (behind(await readPairInBackground(beside), now)) await writePairInBackground(beside, now);
  const outside = outsideNoteOf(file, now.id);
  if (outside && behind(await readPairInBackground(outside), now)) await writePairInBackground(outside, now, true);
  // The path note tells only that a file with records, this id, lived at the path: once it says so,
  // the run's other notes leave it (a read, a write and a rename each time), and its end notes it whole.
  if (pathNoted.get(db) === now.id) return;
  await notePathInBackground(file, now);
  if (now.counter > 0) pathNoted.set(db, now.id);
}

/** The file id a connection's notes in the background have written the path note for. */
const pathNoted = new WeakMap<StateDb, string>();

/** The file's pair as committed; undefined where nothing is noted (a memory or read-only database). */
function committedGeneration(db: StateDb): Generation | undefined {
  // Inside a transaction the count holds changes not committed, which a rollback (or the close
  // that ends it) takes back: noted, the note would run ahead of the file.
  if (db.memory || db.readonly || db.inTransaction) return undefined;
  return readGeneration(db);
}

function behind(noted: NotedPair | undefined, now: Generation): boolean {
  return !noted || noted.id !== now.id || noted.counter < now.counter;
}

/**
 * Refuses a state file older than either note says it was written: readers mailed since that copy
 * was taken would be mailed again, and readers who unsubscribed since, mailed at all. The note in
 * the cache folder catches the whole state folder copied back, its own note with it.
 */
export function assertNotRestored(db: StateDb, file: string, bootedAt: Date = bootTime()): void {
  // The notes first: another command may commit and note a change between the two reads, and a
  // count read before its note would then look older than the note, on a sound file. The note in
  // the cache folder is named by the file's id, which never changes: read for that, then the count.
  const beside = readNote(file);
  const id = readGeneration(db)?.id;
  if (id === undefined) return;
  const outsidePath = outsideNoteOf(file, id);
  const outside = readPair(outsidePath);
  const now = readGeneration(db);
  if (!now) return;
  const ahead = [
    { note: beside, path: generationNoteOf(file) },
    { note: outside, path: outsidePath },
  ].filter(
    (n): n is { note: NotedPair; path: string } =>
      n.note !== undefined && n.path !== undefined && n.note.id === now.id && n.note.counter > now.counter,
  );
  const [first] = ahead.sort((a, b) => b.note.counter - a.note.counter);
  if (!first) return;
  // Both named: the one not ahead now would be, for this file, once its counter moves on.
  const notes = [generationNoteOf(file), ...(outsidePath ? [outsidePath] : [])];
  throw restoredError(file, now, first.note, first.path, bootedAt, notes);
}

/** When the machine last started. */
function bootTime(): Date {
  return new Date(Date.now() - uptime() * 1000);
}

function restoredError(
  file: string,
  now: Generation,
  noted: NotedPair,
  notePath: string,
  bootedAt: Date,
  notes: string[],
): RolecastError {
  const fewer = noted.counter - now.counter;
  const deleteNotes = `then delete ${notes.join(' and ')} (the second in your cache folder; another user who ran rolecast on this file has one in theirs); nothing was sent`;
  const notedAt = noted.at ? new Date(noted.at) : undefined;
  // The file's last commits reach the disk with its log only now and then (synchronous=NORMAL): a
  // power cut or crash since the note loses them, with no newer copy anywhere to put back.
  if (notedAt && notedAt.getTime() < bootedAt.getTime())
    return new RolecastError(
      'E_STATE_RESTORED',
      `the state file ${file} lacks ${fewer} change(s) that ${notePath} records it had at ${noted.at}, before this machine last started (${bootedAt.toISOString()}): the last writes before a power cut or crash were lost (or an older copy was put back)`,
      {
        // Any note older than the last start reads so, and a server rebooted weekly has one before
        // most weekly sends: a copy put back is the likelier cause there, and the newest copy the cure.
        hint: `readers mailed and unsubscribes taken just before ${noted.at} may be missing from it: write the readers your provider's logs show as delivered since into ${file}.unrecorded.jsonl and re-import suppressions added since (rolecast suppress import), ${deleteNotes}. If no power cut or crash came between, an older copy was put back (a backup, a sync): move the newest copy (with its -wal) back into place instead, which keeps unsubscribes your provider never saw`,
      },
    );
  const where =
    notePath === generationNoteOf(file)
      ? `${notePath} records it had (the ledger, suppressions or readers went back to an earlier backup)`
      : `${notePath}, noted outside its folder, records it had (the state folder went back to an earlier backup, its note beside the file with it)`;
  return new RolecastError(
    'E_STATE_RESTORED',
    `the state file ${file} is an older copy of itself: it holds ${fewer} change(s) fewer than ${where}`,
    {
      hint: `put the newest copy back (with its -wal), or, to use this one anyway, first write the readers your provider's logs show as delivered since into ${file}.unrecorded.jsonl and re-import suppressions added since (rolecast suppress import), ${deleteNotes}`,
    },
  );
}
