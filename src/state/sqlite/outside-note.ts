import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { userCacheDir } from '../../config/env.js';
import { sqlitePath } from '../../send/state-file.js';

/**
 * A second note of how far a state file was written, kept outside its folder in this user's cache
 * folder. The note beside the file goes back with it when the whole state folder is copied back
 * from a backup, and then says the old file is current; this one stays. One file per state file
 * and file id (a copy at another path, or a fresh file, has its own), holding no address.
 */
export interface NotedPair {
  id: string;
  counter: number;
  /** When it was noted (ISO); missing in notes written before it was. */
  at?: string | undefined;
}

/** Where the note of `file` under `id` is kept; undefined when this user has no cache folder. */
export function outsideNoteOf(file: string, id: string): string | undefined {
  const dir = userCacheDir();
  if (!dir) return undefined;
  const key = createHash('sha256')
    .update(`${resolve(sqlitePath(file))}\0${id}`)
    .digest('hex')
    .slice(0, 32);
  return join(dir, 'state-notes', `${key}.json`);
}

/** A noted pair read from `path`, if it is one. */
export function readPair(path: string | undefined): NotedPair | undefined {
  if (!path) return undefined;
  try {
    return parsePair(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `readPair` off the event loop. */
export async function readPairInBackground(path: string): Promise<NotedPair | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parsePair(text);
}

function parsePair(text: string): NotedPair | undefined {
  try {
    const note = JSON.parse(text) as Partial<NotedPair>;
    if (typeof note.id !== 'string' || typeof note.counter !== 'number') return undefined;
    return { id: note.id, counter: note.counter, at: typeof note.at === 'string' ? note.at : undefined };
  } catch {
    return undefined;
  }
}

/**
 * Writes the pair to `path` (a temp file beside it, then renamed). A note that cannot be written (a
 * full disk, no cache folder) is left as it was: that only weakens the check.
 */
export function writePair(path: string, pair: { id: string; counter: number }, makeFolder = false): void {
  const partial = `${path}.${process.pid}.tmp`;
  const fresh = makeFolder && !existsSync(path);
  try {
    if (makeFolder) mkdirSync(resolve(path, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(partial, pairText(pair));
    renameSync(partial, path);
  } catch {
    rmSync(partial, { force: true });
  }
  if (fresh) removeStaleNotes(dirname(path));
}

/**
 * A note is kept for every state file this user ever wrote (each test folder, each fresh file), and
 * nothing else ever removed one. One not written for a year belongs to a file gone or long idle:
 * without it that file's check is weakened as with no cache folder, never stopped. Looked at only
 * when a new note is made, so a send noting its count many times a second never lists the folder.
 */
export function removeStaleNotes(dir: string, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith('.json') && !name.endsWith('.tmp')) continue;
    const file = join(dir, name);
    try {
      // A temp file is a write cut short: a day is ample for one in progress.
      const maxAge = name.endsWith('.tmp') ? DAY : STALE_AFTER_DAYS * DAY;
      if (now - statSync(file).mtimeMs > maxAge) rmSync(file, { force: true });
    } catch {
      // Gone already, or not ours to remove: it stays.
    }
  }
}

const DAY = 24 * 60 * 60 * 1000;
/** A note is stale once its state file has not been written for this long. */
const STALE_AFTER_DAYS = 365;

/** `writePair` off the event loop, through a temp name of its own (a note written at once may share the other). */
export async function writePairInBackground(
  path: string,
  pair: { id: string; counter: number },
  makeFolder = false,
): Promise<void> {
  const partial = `${path}.${process.pid}.background.tmp`;
  const fresh = makeFolder && !existsSync(path);
  try {
    if (makeFolder) await mkdir(resolve(path, '..'), { recursive: true, mode: 0o700 });
    await writeFile(partial, pairText(pair));
    await rename(partial, path);
  } catch {
    await rm(partial, { force: true }).catch(() => undefined);
  }
  if (fresh) removeStaleNotes(dirname(path));
}

function pairText(pair: { id: string; counter: number }): string {
  return `${JSON.stringify({ id: pair.id, counter: pair.counter, at: new Date().toISOString() })}\n`;
}
