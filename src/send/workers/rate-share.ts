import { type Clock, createRateLimiter, type RateLimiter } from '../rate-limit.js';

/**
 * `--rate` is one limit for the whole send, however many workers share it: each worker takes
 * rate / live workers, recomputed on every heartbeat, so the sum stays at the limit as workers
 * join, finish or die (a dead one stops counting once its heartbeat is older than a lease).
 */
export interface SharedRate extends RateLimiter {
  /** Live workers, this one included, as the last heartbeat counted them. */
  setWorkers(count: number): void;
  /** Messages per second this worker may send now (Infinity: no limit). */
  readonly share: number;
}

export function createSharedRate(totalPerSecond: number, options: { clock?: Clock } = {}): SharedRate {
  const unlimited = !Number.isFinite(totalPerSecond) || totalPerSecond <= 0;
  let workers = 1;
  let limiter = createRateLimiter(totalPerSecond, options);
  return {
    take: (signal) => limiter.take(signal),
    setWorkers(count) {
      const next = Math.max(1, Math.floor(count));
      if (next === workers || unlimited) {
        workers = next;
        return;
      }
      workers = next;
      // Waiters already queued finish at the old share; new takes use the new one.
      limiter = createRateLimiter(totalPerSecond / workers, options);
    },
    get share() {
      return unlimited ? Number.POSITIVE_INFINITY : totalPerSecond / workers;
    },
  };
}
