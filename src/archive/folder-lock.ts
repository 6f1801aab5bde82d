import { mkdir, readFile, realpath } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { type HeldLock, markerLeft, parseLockRow, takeLock, takeOverStale } from '../lock-file.js';
import { goneHolderError, lockHolder } from '../lock-holder.js';
import { heldOnThisHost, type LockRow } from '../send/lock.js';

/**
 * One build at a time per output folder. Two builds writing one folder would each list only their
 * own pages, so a page of one could stay public with no list naming it, never to be taken down.
 * The lock sits beside the folder, not in it: a web server publishing the folder must not serve
 * the build's pid, host and start time.
 */
export const FOLDER_LOCK = '.rolecast-build.lock';

/** Where the lock of the output folder `dir` (its real path) is: `site/` → `.site.rolecast-build.lock` beside it. */
export function folderLockFile(dir: string): string {
  const parent = dirname(dir);
  return parent === dir ? join(dir, FOLDER_LOCK) : join(parent, `.${basename(dir)}${FOLDER_LOCK}`);
}

export type FolderLock = HeldLock;

/**
 * Takes the lock: a file created exclusively beside `dir`, naming this process. A lock left by a
 * process of this host that no longer runs (killed, machine restarted) is taken over; one held by
 * a live process, or by a process on another host (which cannot be checked from here), refuses
 * the build with E_LOCKED, naming the holder and the file to delete if that build is gone.
 */
export async function lockFolder(dir: string, cwd: string): Promise<FolderLock> {
  await mkdir(dir, { recursive: true });
  // The real path: two builds naming the folder two ways take the same lock.
  const file = folderLockFile(await realpath(dir));
  const lock = await takeLock(file, {
    waitMs: 0,
    held: (holder) => lockedError(file, cwd, holder),
    left: (holder, why) => leftError(file, cwd, holder, why),
    interrupted: () => lockedError(file, cwd, undefined),
  });
  try {
    await clearLockInFolder(join(dir, FOLDER_LOCK), cwd);
  } catch (error) {
    await lock.release();
    throw error;
  }
  return lock;
}

/**
 * The lock earlier releases kept inside the folder, where the web server published it. A build of
 * such a release still running holds the folder; one that no longer runs left it behind, public:
 * it is removed.
 */
async function clearLockInFolder(file: string, cwd: string): Promise<void> {
  const held = await readFile(file, 'utf8').catch(() => undefined);
  if (held === undefined) return;
  const holder = parseLockRow(held);
  if (!holder || holder.host !== hostname() || heldOnThisHost(holder)) throw lockedError(file, cwd, holder);
  const outcome = await takeOverStale(file, held);
  if (typeof outcome === 'object') throw leftError(file, cwd, holder, outcome.refused);
  // Only the holder of the lock beside the folder gets here: a marker in place was left by a run
  // killed while it took this lock over, not a build at work.
  if (outcome === 'busy') throw leftError(file, cwd, holder, markerLeft(file, held));
}

function leftError(file: string, cwd: string, holder: LockRow, why: string): RolecastError {
  return goneHolderError(file, cwd, holder, why, { taker: 'a build', unwritten: 'nothing was written' });
}

function lockedError(file: string, cwd: string, holder: LockRow | undefined): RolecastError {
  const shown = displayPath(file, cwd);
  const unsure = !holder
    ? `if no build is running`
    : holder.host === hostname()
      ? `if pid ${holder.pid} is not a rolecast build`
      : `a build on another host cannot be checked from here: if it is no longer running`;
  return new RolecastError(
    'E_LOCKED',
    `another build is writing this folder (${lockHolder(holder)}): ${shown} is held`,
    {
      hint: `wait for that build to finish and run the command again; ${unsure}, delete ${shown} and run it again`,
    },
  );
}
