import { describe, expect, it } from 'vitest';
import { createLaterQueue } from '../../src/send/greylist.js';
import type { Clock } from '../../src/send/rate-limit.js';

/** Greylisted readers wait in the later queue: the earliest due first, those due together in the order they came. */

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

describe('the later queue', () => {
  it('gives back the earliest due first, and those due at the same time in the order they were added', () => {
    const c = clock();
    const queue = createLaterQueue<string>(c);
    queue.add('a', 100);
    queue.add('b', 100);
    c.advance(10);
    queue.add('c', 50); // due at 60, before a and b
    queue.add('d', 90); // due at 100, with a and b, after them
    queue.add('e', 200);
    expect(queue.takeDue()).toBeUndefined();
    c.advance(500);
    const order = [];
    for (let next = queue.takeDue(); next; next = queue.takeDue()) order.push(next);
    expect(order).toEqual(['c', 'a', 'b', 'd', 'e']);
  });

  it('holds a whole list greylisted at once, each added after the others and due last', () => {
    const c = clock();
    const queue = createLaterQueue<number>(c);
    for (let i = 0; i < 100_000; i++) {
      c.advance(1);
      queue.add(i, 360_000);
    }
    c.advance(360_000);
    expect(queue.takeDue()).toBe(0);
    const rest = queue.drain();
    expect(rest).toHaveLength(99_999);
    expect(rest[99_998]).toBe(99_999);
  });
});
