import { describe, expect, it } from 'vitest';
import type { PoolEntry } from '../../src/pool/index.js';
import { selectFromPool } from '../../src/pool/select.js';
import { dateInWeek, nextWeek, weekStart } from '../../src/pool/week.js';

function entry(id: string, date: string, roles: string[], extra: Partial<PoolEntry> = {}): PoolEntry {
  return {
    id,
    ref: `pool:${id}`,
    path: `/pool/${id}.txt`,
    title: id,
    date,
    dateFrom: 'field',
    status: 'ready',
    roles,
    usedIn: [],
    summary: {
      id,
      title: id,
      summary: 's',
      takeaway: '',
      insights: '',
      principles: [],
      practice: [],
      topics: [],
      roles,
    },
    ...extra,
  };
}

const ids = (entries: readonly PoolEntry[]) => entries.map((e) => e.id);

describe('selectFromPool', () => {
  it('gives every role one summary before any role gets a second', () => {
    // Five newer CTO pieces must not crowd out the older Designer one.
    const pool = [
      ...[1, 2, 3, 4, 5].map((n) => entry(`cto-${n}`, `2026-11-2${n}`, ['CTO'])),
      entry('design', '2026-11-01', ['Designer']),
    ];
    const { picked, coverage } = selectFromPool(pool, ['CTO', 'Designer'], 1);
    expect(ids(picked)).toEqual(['cto-5', 'design']);
    expect(coverage).toEqual([
      { role: 'CTO', count: 1 },
      { role: 'Designer', count: 1 },
    ]);
  });

  it('caps each role at perRole, newest first', () => {
    const pool = [1, 2, 3, 4, 5].map((n) => entry(`cto-${n}`, `2026-11-2${n}`, ['CTO']));
    expect(ids(selectFromPool(pool, ['CTO'], 3).picked)).toEqual(['cto-5', 'cto-4', 'cto-3']);
  });

  it('counts a summary for each of its roles', () => {
    const pool = [
      entry('both', '2026-11-20', ['CTO', 'Executive']),
      entry('exec', '2026-11-19', ['Executive']),
      entry('cto', '2026-11-18', ['CTO']),
    ];
    expect(ids(selectFromPool(pool, ['CTO', 'Executive'], 1).picked)).toEqual(['both']);
  });

  it('skips drafts and summaries an issue already used, and names the roles left without', () => {
    const pool = [
      entry('draft', '2026-11-28', ['CTO'], { status: 'draft' }),
      entry('used', '2026-11-27', ['CTO'], { usedIn: ['2026-W48'] }),
      entry('fresh', '2026-11-01', ['CTO']),
      entry('only-design-draft', '2026-11-02', ['Designer'], { status: 'draft' }),
    ];
    const selection = selectFromPool(pool, ['CTO', 'Designer', 'Executive'], 3);
    expect(ids(selection.picked)).toEqual(['fresh']);
    expect(selection.uncovered).toEqual(['Designer', 'Executive']);
  });

  it('covers roles only the pool knows, after the taxonomy roles', () => {
    const selection = selectFromPool([entry('x', '2026-11-01', ['Growth Lead'])], ['CTO'], 2);
    expect(selection.coverage).toEqual([
      { role: 'CTO', count: 0 },
      { role: 'Growth Lead', count: 1 },
    ]);
  });
});

describe('ISO weeks', () => {
  it.each([
    [['2026-W48'], '2026-W49'],
    [['2026-W48', '2026-W50', 'pool', '2025-W52'], '2026-W51'],
    [['2026-W53'], '2027-W01'],
  ])('the week after %j is %s', (folders, expected) => {
    expect(nextWeek(folders, new Date('2030-01-01T00:00:00Z'), 'UTC')).toBe(expected);
  });

  it("is the current week in the config's zone when no issue folder exists", () => {
    // Sunday 23:30 UTC is already Monday of the next ISO week in Berlin.
    const now = new Date('2026-12-06T23:30:00Z');
    expect(nextWeek([], now, 'UTC')).toBe('2026-W49');
    expect(nextWeek(['_pool'], now, 'Europe/Berlin')).toBe('2026-W50');
  });

  it('refuses weeks that do not exist and places dates on a weekday', () => {
    expect(weekStart('2026-W54')).toBeUndefined();
    expect(weekStart('2026-w50')).toBeUndefined();
    expect(dateInWeek('2026-W49', 4)).toBe('2026-12-03');
    expect(dateInWeek('2027-W01', 1)).toBe('2027-01-04');
  });
});
