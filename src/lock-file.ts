import { createHash, randomUUID } from 'node:crypto';
import { link, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RolecastError } from './errors.js';
import { heldOnThisHost, type LockRow, newLockRow, noteHeld } from './send/lock.js';
import { diskFullOr } from './write-whole.js';

/**
 * A lock kept as a file naming its holder (the send lock's row: pid, host, token, start time),
 * shared by the commands that hold one: `build` (one per output folder) and `new` (one per
 * issues folder).
 */

/**
 * The lock found in the way: its text (undefined when gone since, or unreadable), the holder it
 * names, and how long it has been in place by the file system's own clock (the lock's time against
 * that of a file just made beside it), which a clock set wrong on either host does not change.
 */
export interface LockInTheWay {
  held: string | undefined;
  holder: LockRow | undefined;
  ageMs: number | undefined;
}

/** Places the lock: undefined once it is ours, else the lock another process holds. */
async function tryLock(file: string, text: string): Promise<LockInTheWay | undefined> {
  let now: number | undefined;
  try {
    await placeLock(file, text, (madeAt) => {
      now = madeAt;
    });
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const held = await readFile(file, 'utf8').catch(() => undefined);
  const placedAt = await stat(file).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  return {
    held,
    holder: held === undefined ? undefined : parseLockRow(held),
    ageMs: now === undefined || placedAt === undefined ? undefined : now - placedAt,
  };
}

/**
 * Puts the lock in place whole: written beside it, then linked to its name, which fails (EEXIST)
 * when another process holds it. Created and then written, another process reading it between the
 * two found it empty and was refused with "does not say who", told to delete a lock that was live.
 * Where the file system makes no links, the lock is created and written as before.
 */
async function placeLock(file: string, text: string, made: (at: number) => void): Promise<void> {
  const partial = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(partial, text, { flag: 'wx' });
    made((await stat(partial)).mtimeMs);
    await link(partial, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS')
      throw diskFullOr(file, error);
    await writeFile(file, text, { flag: 'wx' });
  } finally {
    await rm(partial, { force: true });
  }
}

export interface HeldLock {
  release(): Promise<void>;
}

/** What a command's lock is, and what it says when it cannot be had. */
export interface LockTerms {
  /** How long to wait for a live holder: 0 refuses at once. */
  waitMs: number;
  /** Another host's lock in place longer than this (by the file system's clock) is stale; unset: never. */
  remoteStaleMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Told once, when a live holder is in the way and the wait starts. */
  onWait?: ((holder: LockRow | undefined) => void) | undefined;
  /** Still held once the wait is over (or, waiting 0, at once). */
  held(holder: LockRow | undefined): RolecastError;
  /** A gone holder's lock this process cannot take over, and why. */
  left(holder: LockRow, why: string): RolecastError;
  interrupted(): RolecastError;
}

const POLL_MS = 100;
/** A stale lock another taker is removing: looked at again this soon. */
const BUSY_POLL_MS = 10;
const MAX_BUSY = 300;

/**
 * Takes the lock `file`, waiting up to `terms.waitMs` for a live holder. A lock left by a process
 * that is gone (its pid no longer runs on this host; from another host, in place longer than
 * `remoteStaleMs`) is taken over; one that cannot be is refused at once with `terms.left`.
 */
export async function takeLock(file: string, terms: LockTerms): Promise<HeldLock> {
  const row = newLockRow(() => new Date());
  const text = `${JSON.stringify(row)}\n`;
  // Noted as ours before it is placed, and until it is gone: a lock naming this process with a
  // token not noted counts as an earlier process's, and another taker in this process would take
  // it over while it is placed or released.
  noteHeld(row.token, true);
  try {
    await placeOrWait(file, text, terms);
  } catch (error) {
    noteHeld(row.token, false);
    throw error;
  }
  return {
    async release() {
      // Only our own lock: never one a later run took over after ours was judged stale.
      try {
        const now = await readFile(file, 'utf8').catch(() => undefined);
        if (now === text) await rm(file, { force: true });
      } finally {
        // Left in place (a disk turned read-only), it is no longer held: a later taker here takes it over.
        noteHeld(row.token, false);
      }
    },
  };
}

/** Places the lock, waiting for a live holder and taking over a stale one, within the wait's bound. */
async function placeOrWait(file: string, text: string, terms: LockTerms): Promise<void> {
  // By the monotonic clock: the time of day set back while waiting must not stretch the wait.
  const deadline = performance.now() + terms.waitMs;
  let told = false;
  let takeOvers = 0;
  let vanished = 0;
  let busy = 0;
  for (;;) {
    const inTheWay = await tryLock(file, text);
    if (!inTheWay) return;
    const { held, holder, ageMs } = inTheWay;
    // Our own text (its token is ours alone): a link on a network mount made, then answered EEXIST.
    if (held === text) return;
    // Gone since it was found: try again at once. Unreadable or half written counts as held.
    if (held === undefined && vanished++ < 3) continue;
    if (held !== undefined && holder && isStale(holder, ageMs, terms.remoteStaleMs)) {
      const outcome = await takeOverStale(file, held);
      if (typeof outcome === 'object') throw terms.left(holder, outcome.refused);
      if (outcome === 'busy') {
        // A taker removes it within milliseconds: one killed meanwhile left its marker behind.
        if (++busy > MAX_BUSY) throw terms.left(holder, markerLeft(file, held));
        await pause(BUSY_POLL_MS, terms);
      }
      // A stale lock back each time it is removed: say so rather than spin past the wait's bound.
      else if (++takeOvers > 3) throw terms.left(holder, 'it was back each time it was removed');
      continue;
    }
    if (performance.now() >= deadline) throw terms.held(holder);
    if (!told && held !== undefined) {
      terms.onWait?.(holder);
      told = true;
    }
    await pause(POLL_MS, terms);
  }
}

async function pause(ms: number, terms: LockTerms): Promise<void> {
  await sleep(ms, undefined, { signal: terms.signal }).catch(() => {
    throw terms.interrupted();
  });
}

/**
 * Another host's lock is judged by how long it has been in place by the file system's clock, not
 * by the start time it names: that host's clock an hour behind this one's made a live lock stale.
 */
function isStale(holder: LockRow, ageMs: number | undefined, remoteStaleMs: number | undefined): boolean {
  if (holder.host === hostname()) return !heldOnThisHost(holder);
  return remoteStaleMs !== undefined && ageMs !== undefined && ageMs > remoteStaleMs;
}

/**
 * Removes the stale lock whose text is `stale`. Takers of the same stale lock go one at a time, by
 * a marker file named for that text and created exclusively: the one that makes it reads the lock
 * again and removes it only if it is still that text, so a lock another taker placed after removing
 * the stale one is never removed (moved aside and put back, it could replace a third taker's, and
 * two went ahead). 'busy': another taker is at it; `refused`: this process may not remove it.
 */
export async function takeOverStale(file: string, stale: string): Promise<'taken' | 'busy' | { refused: string }> {
  const marker = markerOf(file, stale);
  try {
    await writeFile(marker, '', { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return 'busy';
    return refusal(code) ?? Promise.reject(diskFullOr(marker, error));
  }
  try {
    if ((await readFile(file, 'utf8').catch(() => undefined)) === stale) await unlink(file);
    return 'taken';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Gone already: removed by its own holder's last act, or by hand.
    if (code === 'ENOENT') return 'taken';
    return refusal(code) ?? Promise.reject(error);
  } finally {
    await rm(marker, { force: true });
  }
}

/** Why a stale lock whose marker stays in place cannot be taken over, for the error naming it. */
export function markerLeft(file: string, stale: string): string {
  return `${basename(markerOf(file, stale))} beside it was left by a run killed taking it over: delete that too`;
}

function markerOf(file: string, stale: string): string {
  return `${file}.${createHash('sha256').update(stale).digest('hex').slice(0, 16)}.taking`;
}

/** Why this process may not remove a lock, for the error naming it; undefined for other failures. */
function refusal(code: string | undefined): { refused: string } | undefined {
  if (code === 'EACCES' || code === 'EPERM') return { refused: 'this user may not remove it' };
  if (code === 'EROFS') return { refused: 'its folder is on a read-only file system' };
  return undefined;
}

/** The holder a lock file names, or undefined when it does not read as one. */
export function parseLockRow(text: string): LockRow | undefined {
  try {
    const row = JSON.parse(text) as Partial<LockRow>;
    return typeof row.pid === 'number' && typeof row.host === 'string' && typeof row.token === 'string'
      ? (row as LockRow)
      : undefined;
  } catch {
    return undefined;
  }
}
