import { readdirSync, statSync } from 'node:fs';

/**
 * The names in a folder, listed again only when it may have changed since the last listing: a
 * send looks for unsubscribe journals before every message it hands over, and a stat of the folder
 * costs a fraction of a listing. A file created, renamed or removed in the folder moves its
 * modification and change times, but only to the file system's clock tick: a change in the same
 * tick as the one the last listing saw leaves them as they were. So the folder is listed again
 * while its timestamps were first seen, or stand, less than a tick of the coarsest clock they may
 * come from before the last listing; after that, any later change shows in them.
 */
export function listedFolder(folder: string): () => readonly string[] {
  let names: readonly string[] = [];
  // The folder's identity and timestamps as last seen, and when (this process's clock) they were
  // first seen so. Compared field by field: this runs before every message, and building a string
  // of four big integers each time cost more than the comparison.
  let stamp: { dev: bigint; ino: bigint; mtimeNs: bigint; ctimeNs: bigint } | undefined;
  // Of those timestamps, kept with them: when they say the folder last changed, and their tick.
  let changedAt = 0;
  let tick = 0;
  let firstSeenAt = Number.NEGATIVE_INFINITY;
  // Whether the last listing can be trusted until the timestamps move.
  let settled = false;
  return () => {
    const found = statSync(folder, { bigint: true, throwIfNoEntry: false });
    if (!found) {
      stamp = undefined;
      settled = false;
      names = [];
      return names;
    }
    const wall = Date.now();
    const since = performance.now();
    if (
      stamp?.dev !== found.dev ||
      stamp.ino !== found.ino ||
      stamp.mtimeNs !== found.mtimeNs ||
      stamp.ctimeNs !== found.ctimeNs
    ) {
      stamp = { dev: found.dev, ino: found.ino, mtimeNs: found.mtimeNs, ctimeNs: found.ctimeNs };
      ({ changedAt, tick } = lastChange(found));
      firstSeenAt = since;
      settled = false;
    }
    if (settled && wall - changedAt >= tick) return names;
    const listing = listNames(folder);
    names = listing ?? [];
    // Taken after the stat above: a change since the timestamps were first seen, by a tick and more,
    // and by the wall clock as well as by this process's, gets timestamps of its own. A listing that
    // failed (too many open files, say) says nothing of what is there: it is tried again next time.
    settled = listing !== undefined && since - firstSeenAt >= tick && wall - changedAt >= tick;
    return names;
  };
}

/**
 * When a file's timestamps say it last changed (milliseconds), and the longest tick of the clock
 * they may come from: a change within that tick of them may have left them as they were.
 */
export function lastChange(found: { mtimeNs: bigint; ctimeNs: bigint }): { changedAt: number; tick: number } {
  // A realtime clock set back to the timestamps' tick could give a later change the same ones.
  const changedAt = Math.max(Number(found.mtimeNs / 1_000_000n), Number(found.ctimeNs / 1_000_000n));
  return { changedAt, tick: tickOf(found.mtimeNs, found.ctimeNs) };
}

/**
 * The longest clock tick timestamps like these may come from. Timestamps in whole milliseconds
 * (FAT's two seconds, a second on ext3, HFS+ or many network file systems, exFAT's 10 ms) are
 * given the coarsest, two seconds; nanosecond ones come from the kernel's coarse clock, which
 * moves each scheduler tick (10 ms at the slowest), given twice that.
 */
function tickOf(mtimeNs: bigint, ctimeNs: bigint): number {
  return mtimeNs % 1_000_000n === 0n && ctimeNs % 1_000_000n === 0n ? 2_000 : 20;
}

function listNames(folder: string): readonly string[] | undefined {
  try {
    return readdirSync(folder);
  } catch {
    return undefined;
  }
}
