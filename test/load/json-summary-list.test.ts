import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const ONE = { title: 'Warm Pools', summary: 'Keep two warm.', roles: ['CTO'] };

describe('a JSON summary written as a list, as a tool exports one', () => {
  it.each([
    {
      list: [ONE],
      error:
        "warm-pools.json:1: (root): must be one JSON object, not a list (of 1) — write the summary's object alone, without the [ … ] around it",
    },
    {
      list: [ONE, { ...ONE, title: 'Cold Starts' }],
      error:
        'warm-pools.json:1: (root): must be one JSON object, not a list (of 2) — write one summary per file, each its own { … }, and list each file in the issue',
    },
  ])('is refused, saying to take the object out of its list ($list.length)', ({ list, error }) => {
    const { summary, problems } = parseSummary(JSON.stringify(list, null, 2), 'warm-pools.json', taxonomy);
    expect(summary).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([error]);
  });

  it('is told it holds an empty list and no summary, when its list is empty', () => {
    const { summary, problems } = parseSummary('[]\n', 'warm-pools.json', taxonomy);
    expect(summary).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      'warm-pools.json:1: (root): holds an empty list ([ ]) and no summary — write the summary as one JSON object, { … }, in place of the [ ]',
    ]);
  });

  it('is told apart from a value that is no object or list at all', () => {
    const { problems } = parseSummary('"Warm Pools"', 'warm-pools.json', taxonomy);
    expect(problems.map(formatProblem)).toEqual([
      'warm-pools.json:1: (root): must be a JSON object — wrap the fields in { … }',
    ]);
  });
});
