import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A list pasted with "•" bullets is read as a list: an item there that is only an image goes with it. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('a "•" list item holding only an image', () => {
  it('is left out of the list, not shown to readers as "•"', () => {
    const { summary, problems } = parseSummary(
      [
        '# Warm Pools',
        '',
        'Warm workers end cold starts.',
        '',
        '## In practice',
        '• ![Pool diagram](https://example.com/pool.png)',
        '• Keep a pool warm for each region.',
        '• ![[pool-diagram.png]]',
        '',
        '## Best for',
        'CTO',
        '',
      ].join('\n'),
      'pools.md',
      taxonomy,
    );
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(summary?.practice).toEqual(['Keep a pool warm for each region.']);
  });
});
