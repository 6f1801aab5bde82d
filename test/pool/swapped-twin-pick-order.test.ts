import { describe, expect, it } from 'vitest';
import type { PoolEntry } from '../../src/pool/index.js';
import { selectFromPool } from '../../src/pool/select.js';

/**
 * A copy of a story that took the place of its twin (it reaches the twin's roles and more) went to
 * the end of the pick order, which the size trim gives up from: a story picked for a role's first
 * turn was the first left out for room, ahead of later picks. It now keeps the place of the
 * summary it replaces.
 */

function entry(id: string, date: string, roles: string[], url: string): PoolEntry {
  return {
    id,
    ref: `pool:${id}`,
    path: `/pool/${id}.json`,
    title: `Title of ${id}`,
    date,
    dateFrom: 'field',
    status: 'ready',
    roles,
    usedIn: [],
    summary: {
      id,
      title: `Title of ${id}`,
      summary: `Text of ${id}.`,
      takeaway: '',
      insights: '',
      principles: [],
      practice: [],
      topics: [],
      roles,
      url,
    },
  };
}

describe('a copy swapped in for its twin', () => {
  it('takes the twin’s place in the pick order', () => {
    const pool = [
      entry('oncall', '2026-11-28', ['CTO'], 'https://example.org/oncall'),
      entry('pricing', '2026-11-27', ['Executive'], 'https://example.org/pricing'),
      entry('pricing-2', '2026-11-26', ['Executive'], 'https://example.org/pricing-2'),
      entry('oncall-design', '2026-11-25', ['CTO', 'Designer'], 'https://example.org/oncall#top'),
    ];
    const selection = selectFromPool(pool, ['CTO', 'Executive', 'Designer'], 2);
    expect(selection.replaced.map((r) => [r.entry.id, r.id])).toEqual([['oncall', 'oncall-design']]);
    expect(selection.pickOrder.map((e) => e.id)).toEqual(['oncall-design', 'pricing', 'pricing-2']);
  });

  it('keeps its place through a chain of swaps', () => {
    const url = 'https://example.org/oncall';
    const pool = [
      entry('oncall', '2026-11-28', ['CTO'], url),
      entry('pricing', '2026-11-27', ['Executive'], 'https://example.org/pricing'),
      entry('oncall-pm', '2026-11-26', ['CTO', 'Product Manager'], url),
      entry('oncall-all', '2026-11-25', ['CTO', 'Product Manager', 'Designer'], url),
    ];
    const selection = selectFromPool(pool, ['CTO', 'Executive', 'Product Manager', 'Designer'], 1);
    expect(selection.pickOrder.map((e) => e.id)).toEqual(['oncall-all', 'pricing']);
  });
});
