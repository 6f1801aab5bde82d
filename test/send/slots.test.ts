import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createSlots } from '../../src/send/slots.js';

/**
 * A run's two workers a connection wait for a slot before nearly every message: each wait used to
 * add an abort listener to the run's signal and take it off again when granted.
 */
describe('slots for messages', () => {
  it('listen for the run being stopped once, however many messages wait, and grant in turn', async () => {
    const run = new AbortController();
    const slots = createSlots(2);
    expect(await slots.acquire(run.signal)).toBe(true);
    expect(await slots.acquire(run.signal)).toBe(true);
    const granted: number[] = [];
    const waits = Array.from({ length: 50 }, (_, i) =>
      slots.acquire(run.signal).then((ok) => {
        if (ok) granted.push(i);
        return ok;
      }),
    );
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
    for (let i = 0; i < 50; i++) slots.release();
    expect(await Promise.all(waits)).toEqual(Array.from({ length: 50 }, () => true));
    expect(granted).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // None waits any more: nothing is left on the signal.
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });

  it('turn every message still waiting away once the run is stopped, and only those of that run', async () => {
    const run = new AbortController();
    const other = new AbortController();
    const slots = createSlots(1);
    expect(await slots.acquire(run.signal)).toBe(true);
    const stopped = [slots.acquire(run.signal), slots.acquire(run.signal)];
    const kept = slots.acquire(other.signal);
    const unsignalled = slots.acquire(undefined);
    run.abort();
    expect(await Promise.all(stopped)).toEqual([false, false]);
    expect(await slots.acquire(run.signal)).toBe(false);
    slots.release();
    expect(await kept).toBe(true);
    slots.release();
    expect(await unsignalled).toBe(true);
    // The slots given back: one free again.
    slots.release();
    expect(await slots.acquire(other.signal)).toBe(true);
  });
});
