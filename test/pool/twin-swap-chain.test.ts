import { describe, expect, it } from 'vitest';
import type { PoolEntry } from '../../src/pool/index.js';
import { selectFromPool } from '../../src/pool/select.js';

/**
 * Three pool copies of one article, each naming more roles than the last: once the second took the
 * first's place, the third was still measured against the first, which was no longer in the issue.
 * It was left out as the first's twin, its extra role lost the story, and the note told the editor
 * to add the role to a summary the issue did not hold. Each copy is now measured against the one
 * the issue holds, so the copy reaching the most roles is picked.
 */

const URL = 'https://example.org/oncall';

function entry(id: string, date: string, roles: string[]): PoolEntry {
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
      summary: 's',
      takeaway: '',
      insights: '',
      principles: [],
      practice: [],
      topics: [],
      roles,
      url: URL,
    },
  };
}

describe('a copy of a story met after another copy took the first one’s place', () => {
  it('is measured against the copy the issue holds, and takes its place when it reaches more', () => {
    const pool = [
      entry('oncall', '2026-11-28', ['CTO']),
      entry('oncall-pm', '2026-11-27', ['CTO', 'Product Manager']),
      entry('oncall-all', '2026-11-26', ['CTO', 'Product Manager', 'Designer']),
    ];
    const selection = selectFromPool(pool, ['CTO', 'Product Manager', 'Designer'], 1);
    expect(selection.picked.map((e) => e.id)).toEqual(['oncall-all']);
    expect(selection.replaced.map((r) => [r.entry.id, r.id])).toEqual([
      ['oncall', 'oncall-pm'],
      ['oncall-pm', 'oncall-all'],
    ]);
    expect(selection.twins).toEqual([]);
    expect(selection.uncovered).toEqual([]);
  });

  it('names the copy the issue holds when it is left out, with the roles only it names', () => {
    const pool = [
      entry('oncall', '2026-11-28', ['CTO']),
      entry('oncall-pm', '2026-11-27', ['CTO', 'Product Manager']),
      entry('oncall-design', '2026-11-26', ['CTO', 'Designer']),
    ];
    const selection = selectFromPool(pool, ['CTO', 'Product Manager', 'Designer'], 1);
    expect(selection.picked.map((e) => e.id)).toEqual(['oncall-pm']);
    expect(selection.twins.map((t) => [t.entry.id, t.id, t.rolesOnlyHere])).toEqual([
      ['oncall-design', 'oncall-pm', ['Designer']],
    ]);
  });
});
