/**
 * The clock a worker measures its own leases with: how long since it last confirmed them. It
 * advances by the larger of what the wall clock and the monotonic clock say passed, and never goes
 * back: a wall clock stepped back (NTP, a VM's clock corrected) while the worker was stopped still
 * counts the stop, by the monotonic clock, and a suspended machine (whose monotonic clock stands
 * still) counts it by the wall clock. Either way a worker held up past its lease knows it.
 */
export function leaseClock(wall: () => number, monotonic: () => number = () => performance.now()): () => number {
  let lastWall = wall();
  let lastMonotonic = monotonic();
  let elapsed = lastWall;
  return () => {
    const nowWall = wall();
    const nowMonotonic = monotonic();
    elapsed += Math.max(0, nowWall - lastWall, nowMonotonic - lastMonotonic);
    lastWall = nowWall;
    lastMonotonic = nowMonotonic;
    return elapsed;
  };
}
