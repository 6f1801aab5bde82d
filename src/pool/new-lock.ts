import { mkdir, readFile, realpath, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { takeOverStale, tryLock } from '../lock-file.js';
import { heldOnThisHost, type LockRow, newLockRow, noteHeld } from '../send/lock.js';

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

const POLL_MS = 100;

export interface IssuesLock {
  release(): Promise<void>;
}

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
  const row = newLockRow(() => new Date());
  const text = `${JSON.stringify(row)}\n`;
  // Noted as ours before it is placed, and until it is gone: a lock naming this process with a
  // token not noted counts as an earlier process's, and another taker in this process (two saves
  // in the preview at once) would take it over while it is placed or released.
  noteHeld(row.token, true);
  try {
    await placeIssuesLock(file, text, options);
  } catch (error) {
    noteHeld(row.token, false);
    throw error;
  }
  return {
    async release() {
      // Only our own lock: never one a later run took over after ours was judged stale.
      const now = await readFile(file, 'utf8').catch(() => undefined);
      if (now === text) await rm(file, { force: true });
      noteHeld(row.token, false);
    },
  };
}

/** Places the lock, waiting for a live holder and taking over a stale one, within the wait's bound. */
async function placeIssuesLock(file: string, text: string, options: IssuesLockOptions): Promise<void> {
  const waitMs = options.waitMs ?? NEW_LOCK_WAIT_MS;
  // By the monotonic clock: the time of day set back while waiting must not stretch the wait.
  const deadline = performance.now() + waitMs;
  let told = false;
  let takeOvers = 0;
  for (;;) {
    const inTheWay = await tryLock(file, text);
    if (!inTheWay) return;
    const { held, holder, ageMs } = inTheWay;
    // Our own text (its token is ours alone): a link on a network mount made, then answered EEXIST.
    if (held === text) return;
    if (held !== undefined && holder && isStale(holder, ageMs)) {
      // A lock the folder will not let us move (another user's, under a sticky bit; immutable)
      // stays stale however often it is tried: say so rather than spin past the wait's bound.
      if (takeOvers++ >= 3) throw leftError(file, options.cwd, holder);
      await takeOverStale(file, held);
      continue;
    }
    if (performance.now() >= deadline) throw lockedError(file, options.cwd, holder, waitMs);
    if (!told && held !== undefined) {
      options.onWait?.(
        `waiting for another rolecast new (${who(holder)}) to write its issue: ${displayPath(file, options.cwd)} is held`,
      );
      told = true;
    }
    await sleep(POLL_MS, undefined, { signal: options.signal }).catch(() => {
      throw new RolecastError('E_INTERRUPTED', 'rolecast new was interrupted while waiting for another to finish', {
        hint: 'no issue was written; run the command again',
      });
    });
  }
}

/**
 * Another host's lock is judged by how long it has been in place by the file system's clock, not
 * by the start time it names: that host's clock an hour behind this one's made a live lock stale.
 */
function isStale(holder: LockRow, ageMs: number | undefined): boolean {
  if (holder.host === hostname()) return !heldOnThisHost(holder);
  return ageMs !== undefined && ageMs > REMOTE_STALE_MS;
}

function who(holder: LockRow | undefined): string {
  return holder
    ? `pid ${holder.pid} on ${holder.host}, started ${holder.started_at}`
    : 'its lock file does not say who';
}

function leftError(file: string, cwd: string, holder: LockRow): RolecastError {
  const shown = displayPath(file, cwd);
  return new RolecastError(
    'E_LOCKED',
    `a rolecast new that is gone (${who(holder)}) left ${shown}, which could not be taken over`,
    { hint: `no issue was written; delete ${shown} and run the command again` },
  );
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
    `another rolecast new is picking from this pool (${who(holder)}): ${shown} was still held after ${Math.round(waitMs / 1000)} s`,
    {
      hint: `no issue was written; wait for that run to finish and run the command again; ${unsure}, delete ${shown} and run it again`,
    },
  );
}
