import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { LockRow } from './send/lock.js';
import { diskFullOr } from './write-whole.js';

/**
 * A lock kept as a file naming its holder (the send lock's row: pid, host, token, start time),
 * shared by the commands that hold one: `build` (one per output folder) and `new` (one per
 * issues folder).
 */

/** The lock found in the way: its text (undefined when gone since, or unreadable) and the holder it names. */
export interface LockInTheWay {
  held: string | undefined;
  holder: LockRow | undefined;
}

/** Places the lock: undefined once it is ours, else the lock another process holds. */
export async function tryLock(file: string, text: string): Promise<LockInTheWay | undefined> {
  try {
    await placeLock(file, text);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const held = await readFile(file, 'utf8').catch(() => undefined);
  return { held, holder: held === undefined ? undefined : parseLockRow(held) };
}

/**
 * Puts the lock in place whole: written beside it, then linked to its name, which fails (EEXIST)
 * when another process holds it. Created and then written, another process reading it between the
 * two found it empty and was refused with "does not say who", told to delete a lock that was live.
 * Where the file system makes no links, the lock is created and written as before.
 */
async function placeLock(file: string, text: string): Promise<void> {
  const partial = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(partial, text, { flag: 'wx' });
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

/**
 * Moves the stale lock aside (a rename happens once, so of two processes finding it only one moves
 * it), then removes it. A lock that turns out to be another's, taken between reading and moving,
 * is put back.
 */
export async function takeOverStale(file: string, stale: string): Promise<void> {
  const aside = `${file}.${randomUUID()}.stale`;
  try {
    await rename(file, aside);
  } catch {
    return;
  }
  if ((await readFile(aside, 'utf8').catch(() => undefined)) === stale) await rm(aside, { force: true });
  else await rename(aside, file).catch(() => rm(aside, { force: true }));
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
