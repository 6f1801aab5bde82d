import { printable } from '../printable.js';

/**
 * A token bucket shared by every connection: `take()` resolves when a message may start. Tokens
 * refill continuously at `ratePerSecond`; the bucket holds at most `burst` so an idle spell cannot
 * be spent as a flood. Over any window of t seconds at most `burst + rate × t` messages start.
 */
export interface RateLimiter {
  /** Resolves when a token is available, or rejects with the signal's reason when aborted. */
  take(signal?: AbortSignal): Promise<void>;
  /** The server answered a message with a throttling reply: slow every connection. */
  throttled?(reply: string): void;
  /** The server accepted a message: the pace may creep back up. */
  accepted?(): void;
}

/** A change of the run's pace; `rate` undefined is no limit. */
export interface PaceChange {
  reason: 'throttled' | 'recovered';
  from: number | undefined;
  to: number | undefined;
  /** The reply that slowed the run. */
  reply?: string;
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

/** One line for the log: what the pace became and why. */
export function describePace(change: PaceChange): string {
  const pace = (rate: number | undefined) => (rate === undefined ? 'no limit' : `${Math.round(rate * 10) / 10} msgs/s`);
  if (change.reason === 'throttled')
    return `the server is throttling (${printable(change.reply ?? 'no reply text')}): every connection slowed from ${pace(change.from)} to ${pace(change.to)}`;
  return `throttling over: back to ${pace(change.to)}`;
}

export interface PaceOptions {
  burst?: number;
  clock?: Clock;
  /** Called on every decrease and when the configured pace is reached again. */
  onChange?: (change: PaceChange) => void;
  /** The pace never goes below this (messages per second). */
  minRate?: number;
}

/** Halved on a throttling reply; at most once per this many ms, as several connections hear the same limit. */
const DECREASE_EVERY_MS = 1000;
/** Raised by a twentieth of the ceiling per second of acceptances, back to the configured pace. */
const INCREASE_EVERY_MS = 1000;
const INCREASE_SHARE = 0.05;

/**
 * The run's pace: a token bucket whose rate follows the server. A throttling reply (421, 451 4.7.x,
 * "rate limit", "too many") halves the rate of every connection; each second of acceptances then
 * adds back a twentieth of the ceiling, until the configured rate (or no limit) is restored.
 * Without a configured rate, the first throttling reply starts from half the pace achieved so far.
 */
export function createRateLimiter(ratePerSecond: number, options: PaceOptions = {}): RateLimiter {
  const clock = options.clock ?? systemClock;
  const configured = Number.isFinite(ratePerSecond) && ratePerSecond > 0 ? ratePerSecond : undefined;
  const minRate = options.minRate ?? 1;
  let rate = configured;
  let bucket = rate === undefined ? undefined : tokenBucket(rate, options.burst, clock);
  let limited = rate !== undefined;
  // Without a limit, starts per second (this one and the last) measure the pace a first slowdown halves.
  let second = Math.floor(clock.now() / 1000);
  let thisSecond = 0;
  let lastSecond = 0;
  const countStart = () => {
    const now = Math.floor(clock.now() / 1000);
    if (now !== second) {
      lastSecond = now === second + 1 ? thisSecond : 0;
      thisSecond = 0;
      second = now;
    }
    thisSecond++;
  };
  let ceiling = configured;
  let lastDecrease = Number.NEGATIVE_INFINITY;
  let lastIncrease = Number.NEGATIVE_INFINITY;

  const setRate = (next: number | undefined) => {
    rate = next;
    limited = next !== undefined;
    if (next === undefined) return;
    if (bucket) bucket.setRate(next);
    else bucket = tokenBucket(next, undefined, clock);
  };

  return {
    take(signal) {
      if (!limited || !bucket) {
        countStart();
        signal?.throwIfAborted();
        return Promise.resolve();
      }
      return bucket.take(signal);
    },
    throttled(reply) {
      const now = clock.now();
      if (now - lastDecrease < DECREASE_EVERY_MS) return;
      lastDecrease = now;
      lastIncrease = now;
      const from = rate;
      countStart();
      thisSecond--;
      const base = rate ?? Math.max(minRate * 2, Math.max(lastSecond, thisSecond));
      ceiling ??= base;
      setRate(Math.max(minRate, base / 2));
      options.onChange?.({ reason: 'throttled', from, to: rate, reply });
    },
    accepted() {
      if (rate === configured || ceiling === undefined) return;
      const now = clock.now();
      if (now - lastIncrease < INCREASE_EVERY_MS) return;
      lastIncrease = now;
      const next = (rate ?? ceiling) + Math.max(1, ceiling * INCREASE_SHARE);
      if (next < ceiling) return setRate(next);
      const from = rate;
      setRate(configured);
      if (configured === undefined) ceiling = undefined;
      options.onChange?.({ reason: 'recovered', from, to: configured });
    },
  };
}

interface Bucket {
  take(signal?: AbortSignal): Promise<void>;
  /** A new rate from now on, for waiters already queued too. */
  setRate(ratePerSecond: number): void;
}

/** A token bucket; its rate can change while messages wait. */
function tokenBucket(ratePerSecond: number, burstOption: number | undefined, clock: Clock): Bucket {
  // A tenth of a second's worth by default: smooth enough for a provider's per-second limit, and
  // enough slack that timer jitter does not push the achieved rate below the target.
  const burstFor = (rate: number) => Math.max(1, burstOption ?? Math.ceil(rate / 10));
  let burst = burstFor(ratePerSecond);
  let msPerToken = 1000 / ratePerSecond;
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
    setRate(rate) {
      refill();
      msPerToken = 1000 / rate;
      burst = burstFor(rate);
      tokens = Math.min(tokens, burst);
    },
  };
}
