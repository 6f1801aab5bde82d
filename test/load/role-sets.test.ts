import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSubscribers } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: ['Chief Technology Officer'] },
  { name: 'Data Scientist', aliases: [] },
]);

describe('role sets shared between readers of a list', () => {
  it('never takes one role holding the separator for a set of roles', () => {
    const text = JSON.stringify([
      { email: 'one@example.com', roles: ['CTO\u0000Data Scientist'] },
      { email: 'two@example.com', roles: ['CTO', 'Data Scientist'] },
      { email: 'three@example.com', roles: ['CTO\u0000Data Scientist'] },
    ]);
    const { subscribers } = parseSubscribers(text, 'list.json', taxonomy);
    expect(subscribers.map((s) => s.roles)).toEqual([
      ['CTO\u0000Data Scientist'],
      ['CTO', 'Data Scientist'],
      ['CTO\u0000Data Scientist'],
    ]);
  });

  it('counts an unknown role over every set that holds it, at its first reader', () => {
    const text = JSON.stringify(
      [
        { email: 'a@example.com', roles: ['CTO'] },
        { email: 'b@example.com', roles: ['Designer'] },
        { email: 'c@example.com', roles: ['CTO', 'Designer'] },
        { email: 'd@example.com', roles: ['Designer'] },
        { email: 'e@example.com', roles: ['Chief Technology Officer', 'Designer', 'Designer'] },
      ],
      null,
      2,
    );
    const { subscribers, problems } = parseSubscribers(text, 'list.json', taxonomy);
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^list\.json:\d+: warning: \[1\]\.roles\[0\]: unknown role "Designer" \(5 subscribers\)/),
    ]);
    expect(problems[0]!.line).toBe(text.split('\n').findIndex((line) => line.includes('"Designer"')) + 1);
    expect(subscribers.map((s) => s.roles)).toEqual([
      ['CTO'],
      ['Designer'],
      ['CTO', 'Designer'],
      ['Designer'],
      ['CTO', 'Designer'],
    ]);
  });

  it('finds every duplicate address among many, whatever their hashes', () => {
    const entries = Array.from({ length: 20_000 }, (_, i) => ({
      // Every 99th reader comes back later, spelt with capitals.
      email: i >= 19_800 ? `Reader${(i - 19_800) * 99}@Example.com` : `reader${i}@example.com`,
      roles: ['CTO'],
    }));
    const { subscribers, problems } = parseSubscribers(JSON.stringify(entries), 'list.json', taxonomy);
    expect(subscribers).toHaveLength(19_800);
    // The first ten are named, the other 190 counted in one warning.
    expect(problems).toHaveLength(11);
    problems.slice(0, 10).forEach((problem, k) => {
      expect(problem.field).toBe(`[${19_800 + k}].email`);
      expect(problem.message).toBe(`duplicate of entry [${k * 99}]; only the first is used`);
    });
    expect(problems[10]).toMatchObject({
      field: '[19810].email',
      message: expect.stringMatching(/^and 190 more duplicates of earlier entries from here on \(200 in all\)/),
    });
  });
});
