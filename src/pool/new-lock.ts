import { mkdir, realpath } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { type HeldLock, takeLock } from '../lock-file.js';
import { goneHolderError, lockHolder } from '../lock-holder.js';
import type { LockRow } from '../send/lock.js';

/**
 * One `new` at a time per issues folder. A run reads which pool summaries the issues took, picks,
 * and writes its issue: two runs for different weeks doing so together each read before the other
 * wrote, and both issues carried the same stories. The lock is a dot file in the issues folder
 * naming the run (as a send lock does), so `archive` and `new` never take it for an issue.
 */
export const NEW_LOCK = '.rolecast-new.lock';

/** How long a run waits for another: a `new` takes seconds, so one still held after this is stuck. */
export const NEW_LOCK_WAIT_MS = 5 * 60_000;

/** A lock from another host, whose process cannot be checked from here, left longer than this is stale. */
const REMOTE_STALE_MS = 60 * 60_000;

export type IssuesLock = HeldLock;

export interface IssuesLockOptions {
  cwd: string;
  signal?: AbortSignal | undefined;
  waitMs?: number;
  /** Told once, when the lock is held by another run and this one starts to wait. */
  onWait?: (what: string) => void;
}

/**
 * Takes the lock of `issuesDir`, waiting for a run that holds it. A lock left by a run that is
 * gone (killed, the machine restarted: its pid no longer runs on this host, or it is an hour old
 * from another host) is taken over; one still held after `waitMs` refuses with E_LOCKED, naming
 * the holder and the file to delete if that run is gone.
 */
export async function lockIssuesFolder(issuesDir: string, options: IssuesLockOptions): Promise<IssuesLock> {
  await mkdir(issuesDir, { recursive: true });
  // The real path: two runs naming the folder two ways take the same lock.
  const file = join(await realpath(issuesDir), NEW_LOCK);
  const waitMs = options.waitMs ?? NEW_LOCK_WAIT_MS;
  return takeLock(file, {
    waitMs,
    remoteStaleMs: REMOTE_STALE_MS,
    signal: options.signal,
    onWait: (holder) =>
      options.onWait?.(
        `waiting for another rolecast new (${lockHolder(holder)}) to write its issue: ${displayPath(file, options.cwd)} is held`,
      ),
    held: (holder) => lockedError(file, options.cwd, holder, waitMs),
    left: (holder, why) => leftError(file, options.cwd, holder, why),
    interrupted: () =>
      new RolecastError('E_INTERRUPTED', 'rolecast new was interrupted while waiting for another to finish', {
        hint: 'no issue was written; run the command again',
      }),
  });
}

function leftError(file: string, cwd: string, holder: LockRow, why: string): RolecastError {
  return goneHolderError(file, cwd, holder, why, { taker: 'a rolecast new', unwritten: 'no issue was written' });
}

function lockedError(file: string, cwd: string, holder: LockRow | undefined, waitMs: number): RolecastError {
  const shown = displayPath(file, cwd);
  const unsure = !holder
    ? 'if no rolecast new is running'
    : holder.host === hostname()
      ? `if pid ${holder.pid} is not a rolecast new`
      : 'a run on another host cannot be checked from here: if it is no longer running';
  return new RolecastError(
    'E_LOCKED',
    `another rolecast new is picking from this pool (${lockHolder(holder)}): ${shown} was still held after ${Math.round(waitMs / 1000)} s`,
    {
      hint: `no issue was written; wait for that run to finish and run the command again; ${unsure}, delete ${shown} and run it again`,
    },
  );
}
