import { describe, expect, it } from 'vitest';
import { createLaterQueue } from '../../src/send/greylist.js';
import type { Clock } from '../../src/send/rate-limit.js';

/**
 * A list greylisted whole keeps the later queue long for the whole send: each reader set aside is
 * added at its end while the one due first is taken from its front, one for one.
 */

function clock(): Clock & { advance(ms: number): void } {
  let time = 0;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
    sleep: async (ms) => {
      time += ms;
    },
  };
}

describe('the later queue, long', () => {
  it('takes its first reader without moving the others: 100,000 waiting, 100,000 taken in turn', () => {
    const c = clock();
    const queue = createLaterQueue<number>(c);
    const delay = 100_000;
    for (let i = 0; i < delay; i++) {
      c.advance(1);
      queue.add(i, delay);
    }
    const taken: number[] = [];
    for (let i = delay; i < 2 * delay; i++) {
      c.advance(1);
      queue.add(i, delay);
      const next = queue.takeDue();
      if (next !== undefined) taken.push(next);
    }
    expect(taken).toHaveLength(delay);
    expect(taken.every((value, at) => value === at)).toBe(true);
    // Those still waiting, in the order they were added.
    const rest = queue.drain();
    expect(rest).toHaveLength(delay);
    expect(rest[0]).toBe(delay);
    expect(rest.at(-1)).toBe(2 * delay - 1);
    expect(queue.takeDue()).toBeUndefined();
  }, 15_000);

  it('keeps its order when readers come back with shorter delays after many were taken', () => {
    const c = clock();
    const queue = createLaterQueue<string>(c);
    for (let i = 0; i < 5000; i++) queue.add(`early${i}`, 10);
    queue.add('late', 1000);
    c.advance(10);
    for (let i = 0; i < 4000; i++) expect(queue.takeDue()).toBe(`early${i}`);
    queue.add('soon', 5); // due at 15: after the early ones, before late
    c.advance(1000);
    const order: string[] = [];
    for (let next = queue.takeDue(); next; next = queue.takeDue()) order.push(next);
    expect(order.slice(-2)).toEqual(['soon', 'late']);
    expect(order).toHaveLength(1002);
  });
});
