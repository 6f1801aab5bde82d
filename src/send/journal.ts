import {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { canonicalAddress } from '../address.js';
import { append } from '../append.js';
import { insertBounceEvent } from '../bounces/event-row-sqlite.js';
import { ensureBounceSchema } from '../bounces/schema-sqlite.js';
import { RolecastError } from '../errors.js';
import { suppressionInsert } from '../state/sqlite/suppression-insert.js';
import { withCheck } from './journal-check.js';
import { type JournalEntry, readJournalLine } from './journal-line-read.js';
import { sqlitePath } from './state-file.js';
import type { StateDb } from './store.js';
import { countWork } from './work-done.js';

/**
 * The unsubscribe journal: an append-only file beside the state database where `serve` records an
 * unsubscribe it could not write to the database (locked, busy, read-only). One JSON line per
 * request, fsynced before the reader is told "done". `serve` (at start and periodically), `send`
 * (before it plans) and `suppress` replay it into the suppressions table.
 *
 * Replay is crash-safe: the journal is first renamed aside (so new requests start a fresh file),
 * its rows are committed, and only then is the renamed file deleted. A crash in between leaves the
 * renamed file, which the next replay applies again; applying twice changes nothing.
 */

export type { JournalEntry } from './journal-line-read.js';

export interface ReplayResult {
  /** Lines read from the journal(s). */
  read: number;
  /** Of those, addresses that were not suppressed yet. */
  added: number;
  /** Lines that could not be read (a write cut short by a crash): never answered as done. */
  unreadable: number;
  /** Where those lines were (file, 1-based line), and the damaged lines whose address was still read. */
  cutShort?: JournalLineRef[];
  readAround?: JournalLineRef[];
}

export interface JournalLineRef {
  file: string;
  line: number;
}

const JOURNAL_SUFFIX = '.unsubscribe-journal';
const REPLAYING = '.replaying-';

/**
 * `state.db` → `state.db.unsubscribe-journal`, in the same folder. Beside the file a link leads
 * to, as SQLite keeps its log: commands that name the file by the link and by its own path then
 * share one journal, and a send never misses an unsubscribe `serve` journaled.
 */
export function journalPath(stateFile: string): string {
  return `${sqlitePath(stateFile)}${JOURNAL_SUFFIX}`;
}

/**
 * Appends one entry durably (O_APPEND, then fsync) and returns once it is on disk; throws when it
 * cannot. If a replay renamed the file while we wrote, the entry is written again to the new file
 * (a duplicate line is harmless), so it can never vanish with the renamed copy.
 */
export function appendToJournal(file: string, entry: JournalEntry): void {
  // The check last: a line damaged on disk is told from one written so (see journal-check.ts).
  const line = `${withCheck(JSON.stringify({ ...entry, email: canonicalAddress(entry.email) }))}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    const written = appendLine(file, line);
    if (stillAt(file, written)) return;
  }
  throw new Error(`${file} kept being replaced while writing to it`);
}

function appendLine(file: string, line: string): { dev: number; ino: number } {
  // Addresses are personal data: the journal is readable by its owner only.
  const fd = openSync(file, 'a+', 0o600);
  try {
    const { size, dev, ino } = fstatSync(fd);
    // A line cut short by a crash must not swallow this one: start on a fresh line.
    let text = line;
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) text = `\n${line}`;
    }
    const bytes = Buffer.from(text);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    fsyncSync(fd);
    // A new file is only durable once its directory entry is.
    if (size === 0) fsyncDirectory(dirname(file));
    return { dev, ino };
  } finally {
    closeSync(fd);
  }
}

function stillAt(file: string, written: { dev: number; ino: number }): boolean {
  try {
    const now = statSync(file);
    return now.dev === written.dev && now.ino === written.ino;
  } catch {
    return false;
  }
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the file itself is synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface ParsedJournal {
  entries: JournalEntry[];
  /** Lines cut short before their address ended: never answered, passed over. */
  unreadable: number;
  cutShort: number[];
  /** Lines damaged whose every address was still read (or put back by their check): suppressed all the same. */
  readAround: number[];
  /** Lines whose reader cannot be told: an answered unsubscribe may be lost. */
  damaged: number[];
  /** Of those, lines whose check failed: what reads as an address in them may not be the one written. */
  unverified: number[];
  /** Address-like strings in damaged lines, and prefixes of them: maybe a reader's, never mailed. */
  suspects: string[];
}

/**
 * The entries of a journal's text, and the 1-based numbers of the lines that are not a whole entry;
 * `firstLine` is the number of its first line when the text is the end of a journal.
 */
export function parseJournal(text: string, firstLine = 1): ParsedJournal {
  const parsed: ParsedJournal = {
    entries: [],
    unreadable: 0,
    cutShort: [],
    readAround: [],
    damaged: [],
    unverified: [],
    suspects: [],
  };
  text.split('\n').forEach((written, index) => {
    // A journal saved by an editor (after mending a line) may end its lines in CRLF and start with a
    // byte order mark: neither is damage, and a line cut short stays one.
    const line = written.replace(/^\ufeff/, '').replace(/\r$/, '');
    if (!line.trim()) return;
    countWork('journalLinesParsed');
    const reading = readJournalLine(line);
    append(parsed.entries, reading.entries);
    const number = firstLine + index;
    if (reading.kind === 'read-around') parsed.readAround.push(number);
    else if (reading.kind === 'cut-short') parsed.cutShort.push(number);
    else if (reading.kind === 'damaged') {
      parsed.damaged.push(number);
      if (reading.unverified) parsed.unverified.push(number);
      append(parsed.suspects, reading.suspects ?? []);
    }
  });
  parsed.unreadable = parsed.cutShort.length;
  return parsed;
}

/**
 * Applies the journal beside the state file of `db` to its suppressions table, in one
 * transaction, and deletes the journal only after the commit. Existing records are kept (the
 * first unsubscribe wins, as at the endpoint). Throws what SQLite throws (e.g. SQLITE_BUSY) with
 * the journal left in place for the next attempt.
 */
export function replayJournal(db: StateDb): ReplayResult {
  const result: ReplayResult = { read: 0, added: 0, unreadable: 0 };
  if (db.memory || !db.name) return result;
  const journals = journalLocations(db.name);
  // Set the current journal aside under a name no other replay uses; new requests start a new file.
  for (const journal of journals)
    try {
      if (statSync(journal).isFile())
        renameSync(
          journal,
          `${journal}${REPLAYING}${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
        );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  const files = journalFiles(journals).filter((file) => !journals.includes(file));
  if (files.length === 0) return result;
  const read: string[] = [];
  const entries: JournalEntry[] = [];
  for (const file of files) {
    const text = readIfFile(file);
    if (text === undefined) continue;
    const parsed = parseJournal(text);
    // Applied without that line, the journal would be deleted and its reader mailed: left in place.
    if (parsed.damaged.length > 0) throw damagedJournalError(file, parsed);
    append(entries, parsed.entries);
    result.unreadable += parsed.unreadable;
    // Named as the journal the user knows: the copy set aside is gone once applied.
    const named = file.replace(/\.replaying-[^/]*$/, '');
    if (parsed.cutShort.length > 0)
      result.cutShort = [...(result.cutShort ?? []), ...parsed.cutShort.map((line) => ({ file: named, line }))];
    if (parsed.readAround.length > 0)
      result.readAround = [...(result.readAround ?? []), ...parsed.readAround.map((line) => ({ file: named, line }))];
    read.push(file);
  }
  const insert = suppressionInsert(db);
  db.transaction(() => {
    if (entries.some((entry) => entry.event)) ensureBounceSchema(db);
    for (const entry of entries) {
      if (insert(entry.email, entry.reason, entry.source, entry.at)) result.added++;
      // After its suppression: an erased reader's event is then kept under the hashed key only.
      if (entry.event) insertBounceEvent(db, entry.event);
    }
  })();
  result.read = entries.length;
  // Committed: only now may the files go. Another replay may have removed one already.
  for (const file of read) {
    try {
      unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  for (const journal of journals) fsyncDirectory(dirname(journal));
  return result;
}

/**
 * `replayJournal` for `send` and `suppress`: a journal that cannot be applied stops the command,
 * because planning without it could mail someone who has unsubscribed.
 */
export function applyUnsubscribeJournal(db: StateDb): ReplayResult {
  try {
    return replayJournal(db);
  } catch (cause) {
    if (cause instanceof RolecastError) throw cause;
    const file = db.memory ? 'the unsubscribe journal' : journalPath(db.name);
    throw new RolecastError(
      'E_INVALID',
      `the unsubscribes recorded in ${file} could not be applied: ${message(cause)}`,
      {
        hint: 'check that the state file is writable and not held by another program, then run the command again; nothing was sent',
        cause,
      },
    );
  }
}

export function damagedJournalError(
  file: string,
  parsed: Pick<ParsedJournal, 'damaged' | 'unverified'>,
): RolecastError {
  const where = (lines: number[]) => (lines.length === 1 ? `line ${lines[0]}` : `lines ${lines.join(', ')}`);
  const unreadable = parsed.damaged.filter((line) => !parsed.unverified.includes(line));
  const what = [
    ...(unreadable.length > 0
      ? [`${where(unreadable)}: no address can be read there, so an unsubscribe it held would be lost`]
      : []),
    ...(parsed.unverified.length > 0
      ? [
          `${where(parsed.unverified)}: the line fails its check, so an address read there may not be the one written and that reader could be mailed`,
        ]
      : []),
  ].join('; and at ');
  return new RolecastError('E_STATE_DAMAGED', `the unsubscribe journal ${file} is damaged at ${what}`, {
    hint: `open the file and write the reader's address back into that line as {"email":"…"} if you can tell it (your web server's access log shows when the request came), or delete the line; then run the same command again. The journal was left as it was; nothing was sent`,
  });
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The journal, and for a state path that is a link the one beside the link too: earlier releases
 * kept it there, and what one of them journaled must still be applied.
 */
export function journalLocations(stateFile: string, opened = sqlitePath(stateFile)): string[] {
  const journal = `${opened}${JOURNAL_SUFFIX}`;
  const besideLink = `${stateFile}${JOURNAL_SUFFIX}`;
  return besideLink === journal ? [journal] : [journal, besideLink];
}

/**
 * The renamed copies a replay has not finished with, oldest name first, then the journal, at each
 * of `journals`, given the names in each one's folder.
 */
export function journalFiles(
  journals: readonly string[],
  namesIn: (folder: string) => readonly string[] = listNames,
): string[] {
  return journals.flatMap((journal) => {
    const prefix = `${basename(journal)}${REPLAYING}`;
    const aside = namesIn(dirname(journal))
      .filter((name) => name.startsWith(prefix))
      .sort();
    return [...aside.map((name) => join(dirname(journal), name)), journal];
  });
}

function listNames(folder: string): readonly string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

export function readIfFile(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return undefined;
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
