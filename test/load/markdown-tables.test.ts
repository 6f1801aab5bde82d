import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A Markdown table in a summary's body: refused at its header's line, never shown as "|" marks. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...body: string[]) {
  return parseSummary(['# Warm Pools', '', ...body, '', '## Best for', 'CTO', ''].join('\n'), 'pools.md', taxonomy);
}

describe('a Markdown table', () => {
  it.each([
    [['| Pool | p99 |', '|---|---|', '| warm | 80 ms |', '| cold | 2.1 s |']],
    [['Pool | p99', ':--- | ---:', 'warm | 80 ms']],
    [['| Pool |', '| --- |', '| warm |']],
  ])('is refused at its header line: %j', (table) => {
    const { summary, problems } = load('Warm workers end cold starts.', '', ...table);
    expect(summary).toBeUndefined();
    expect(problems.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([
      expect.stringMatching(/^pools\.md:5: text: is a Markdown table, which is not read/),
    ]);
  });

  it('in a code block, or a "|" in a sentence, is text as before', () => {
    expect(
      load('Warm workers end cold starts.', '', '```', '| Pool | p99 |', '|---|---|', '```').problems.filter(
        (p) => p.severity === 'error',
      ),
    ).toEqual([]);
    expect(load('Pick warm | cold pools per region.').summary?.summary).toBe('Pick warm | cold pools per region.');
  });
});
