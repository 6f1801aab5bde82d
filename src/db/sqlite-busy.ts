/** True for SQLite's "another connection holds the lock" errors: worth waiting for, unlike the rest. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** True for any error SQLite itself raised (busy, read-only, full disk, I/O), not a bug of ours. */
export function isSqliteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/**
 * How long a write is tried again while the lock is held: until `until` (`performance.now()`),
 * pausing `firstPauseMs` (25 ms by default) and twice as long each time up to `maxPauseMs`; or
 * once after each of `pausesMs`, on top of the time the tries themselves take.
 */
export type BusyRetry = { until: number; maxPauseMs: number; firstPauseMs?: number } | { pausesMs: readonly number[] };

/**
 * Runs `attempt` again while another connection holds the lock, as `retry` says. An error other
 * than busy, or busy once `retry` is spent, is thrown. The pauses leave the event loop free,
 * unlike a busy timeout.
 */
export async function retryWhileBusy<T>(
  attempt: () => T | Promise<T>,
  retry: BusyRetry,
  /** Also worth waiting for (a database that does not answer), and what to do before the first wait. */
  options: { waitFor?: (error: unknown) => boolean; onWait?: (error: unknown) => void } = {},
): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const busy = isSqliteBusy(error) || options.waitFor?.(error) === true;
      const pause = busy ? pauseAfter(retry, tries) : undefined;
      if (pause === undefined) throw error;
      if (tries === 0) options.onWait?.(error);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** The pause after the try numbered `tries` (from 0), or undefined once `retry` is spent. */
function pauseAfter(retry: BusyRetry, tries: number): number | undefined {
  if ('pausesMs' in retry) return retry.pausesMs[tries];
  const left = retry.until - performance.now();
  if (left <= 0) return undefined;
  return Math.min((retry.firstPauseMs ?? 25) * 2 ** tries, retry.maxPauseMs, left);
}
