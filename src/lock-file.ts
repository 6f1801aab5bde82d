import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { LockRow } from './send/lock.js';
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
export async function tryLock(file: string, text: string): Promise<LockInTheWay | undefined> {
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
