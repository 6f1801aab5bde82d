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
  // The folder's timestamps as last seen, and when (this process's clock) they were first seen so.
  let stamp = '';
  let firstSeenAt = Number.NEGATIVE_INFINITY;
  // Whether the last listing can be trusted until the timestamps move.
  let settled = false;
  return () => {
    const found = statSync(folder, { bigint: true, throwIfNoEntry: false });
    if (!found) {
      stamp = '';
      settled = false;
      names = [];
      return names;
    }
    const now = `${found.dev}:${found.ino}:${found.mtimeNs}:${found.ctimeNs}`;
    const wall = Date.now();
    const since = performance.now();
    if (now !== stamp) {
      stamp = now;
      firstSeenAt = since;
      settled = false;
    }
    // A realtime clock set back to the timestamps' tick could give a later change the same ones.
    const changedAt = Math.max(Number(found.mtimeNs / 1_000_000n), Number(found.ctimeNs / 1_000_000n));
    const tick = tickOf(found.mtimeNs, found.ctimeNs);
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
