import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/send/rate-limit.js';
import { createSharedRate } from '../../../src/send/workers/rate-share.js';

/** A clock that only moves when a waiter sleeps: the time a number of takes needs, not the machine's. */
function fakeClock(): Clock {
  let time = 0;
  return {
    now: () => time,
    async sleep(ms) {
      time += ms;
    },
  };
}

async function timeFor(takes: number, limiter: { take(): Promise<void> }, clock: Clock): Promise<number> {
  const start = clock.now();
  for (let i = 0; i < takes; i++) await limiter.take();
  return clock.now() - start;
}

describe('--rate shared by the live workers', () => {
  it('takes rate / live workers, recomputed as workers come and go', async () => {
    const clock = fakeClock();
    const rate = createSharedRate(60, { clock });
    expect(rate.share).toBe(60);
    rate.setWorkers(3);
    expect(rate.share).toBe(20);
    // 100 messages at a third of 60/s: about 5 s, where the whole rate would need under 2.
    const third = await timeFor(100, rate, clock);
    expect(third).toBeGreaterThanOrEqual(4700);
    expect(third).toBeLessThanOrEqual(5100);
    // The other two stopped: this worker gets the whole rate back.
    rate.setWorkers(1);
    const whole = await timeFor(120, rate, clock);
    expect(whole).toBeGreaterThanOrEqual(1800);
    expect(whole).toBeLessThanOrEqual(2100);
  });

  it('no limit stays no limit, whatever the count', async () => {
    const rate = createSharedRate(0);
    rate.setWorkers(4);
    expect(rate.share).toBe(Number.POSITIVE_INFINITY);
    await rate.take();
  });
});
