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
 * Runs `attempt` again while another connection holds the lock, pausing `firstPauseMs` (25 ms by
 * default) and twice as long each time up to `maxPauseMs`, until `deadline` (`performance.now()`).
 * An error other than busy, or busy past the deadline, is thrown. The pauses leave the event loop
 * free, unlike a busy timeout.
 */
export async function retryWhileBusy<T>(
  attempt: () => T | Promise<T>,
  deadline: number,
  maxPauseMs: number,
  firstPauseMs = 25,
): Promise<T> {
  for (let pause = firstPauseMs; ; pause = Math.min(pause * 2, maxPauseMs)) {
    try {
      return await attempt();
    } catch (error) {
      const left = deadline - performance.now();
      if (!isSqliteBusy(error) || left <= 0) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
    }
  }
}
