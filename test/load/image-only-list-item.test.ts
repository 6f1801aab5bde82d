import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A list item that is only an image: left out with its image, not shown to readers as "-". */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(file: string, ...lines: string[]) {
  return parseSummary(
    ['# Warm Pools', '', 'Warm workers end cold starts.', '', ...lines, '', '## Best for', 'CTO', ''].join('\n'),
    file,
    taxonomy,
  );
}

describe('a list item holding only an image', () => {
  it('is left out of the list, whatever its marker', () => {
    const { summary, problems } = load(
      'pools.md',
      '## In practice',
      '- ![Pool diagram](https://example.com/pool.png)',
      '- Keep a pool warm for each region.',
      '* ![[pool-diagram.png]]',
      '1. ![Diagram](https://example.com/diagram.png)',
      '- Measure cold starts weekly.',
    );
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(summary?.practice).toEqual(['Keep a pool warm for each region.', 'Measure cold starts weekly.']);
  });

  it('keeps an item whose image stands beside words, and a dash written as an item’s text', () => {
    const { summary } = load(
      'pools.md',
      '## In practice',
      '- ![Pool](https://example.com/pool.png) Keep a pool warm.',
      '- -',
    );
    expect(summary?.practice).toEqual(['Keep a pool warm.', '-']);
  });
});
