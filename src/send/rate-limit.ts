/**
 * A token bucket shared by every connection: `take()` resolves when a message may start. Tokens
 * refill continuously at `ratePerSecond`; the bucket holds at most `burst` so an idle spell cannot
 * be spent as a flood. Over any window of t seconds at most `burst + rate × t` messages start.
 */
export interface RateLimiter {
  /** Resolves when a token is available, or rejects with the signal's reason when aborted. */
  take(signal?: AbortSignal): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** No limit: `Infinity` or 0 as the rate. */
export function createRateLimiter(ratePerSecond: number, options: { burst?: number; clock?: Clock } = {}): RateLimiter {
  if (!Number.isFinite(ratePerSecond) || ratePerSecond <= 0) return { take: async () => {} };
  const clock = options.clock ?? systemClock;
  // A tenth of a second's worth by default: smooth enough for a provider's per-second limit, and
  // enough slack that timer jitter does not push the achieved rate below the target.
  const burst = Math.max(1, options.burst ?? Math.ceil(ratePerSecond / 10));
  const msPerToken = 1000 / ratePerSecond;
  let tokens = burst;
  let last = clock.now();
  // Waiters are served in order, so no connection starves.
  let queue: Promise<void> = Promise.resolve();

  const refill = () => {
    const now = clock.now();
    tokens = Math.min(burst, tokens + (now - last) / msPerToken);
    last = now;
  };

  const takeOne = async (signal?: AbortSignal) => {
    for (;;) {
      signal?.throwIfAborted();
      refill();
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await clock.sleep(Math.max(1, Math.ceil((1 - tokens) * msPerToken)), signal);
    }
  };

  return {
    take(signal) {
      const turn = queue.then(() => takeOne(signal));
      // One aborted waiter must not block the ones behind it.
      queue = turn.catch(() => {});
      return turn;
    },
  };
}
