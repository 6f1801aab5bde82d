import { describe, expect, it } from 'vitest';
import { bracketed, median, spread } from '../../src/bench/_stats.js';

describe('figures over bench rounds', () => {
  it.each([
    { values: [], expected: Number.NaN },
    { values: [7], expected: 7 },
    { values: [3, 1, 2], expected: 2 },
    { values: [4, 1, 3, 2], expected: 2.5 },
  ])('the median of $values is $expected', ({ values, expected }) => {
    expect(median(values)).toBe(expected);
  });

  it('gives the lowest and highest round beside the median', () => {
    expect(spread([0.58, 1.22, 0.92])).toEqual({ median: 0.92, min: 0.58, max: 1.22 });
    expect(spread([])).toEqual({ median: Number.NaN, min: Number.NaN, max: Number.NaN });
  });

  it.each([
    // 10,000 messages in 2 s, then in 6 s: as if sent in 4 s.
    { before: 5000, after: 10_000 / 6, expected: 2500 },
    { before: 3000, after: 3000, expected: 3000 },
  ])('a floor measured at $before and then $after msgs/s counts as $expected', ({ before, after, expected }) => {
    expect(bracketed(before, after)).toBeCloseTo(expected, 6);
  });
});
