import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Obsidian's embed, "![[…]]": an image or another note shown in place. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('an Obsidian embed', () => {
  it.each([
    ['Warm workers end cold starts. ![[pool-diagram.png]]', 'Warm workers end cold starts.'],
    ['Warm workers end cold starts. ![[pool-diagram.png|300]]', 'Warm workers end cold starts.'],
    ['![[Cold Starts#Numbers]] Warm workers end cold starts.', 'Warm workers end cold starts.'],
  ])('is left out, as an image is: %s', (line, shown) => {
    const { summary, problems } = parseSummary(
      ['# Warm Pools', '', line, '', '## Best for', 'CTO', ''].join('\n'),
      'pools.md',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.summary.trim()).toBe(shown);
    expect(summary?.summary).not.toContain('[[');
    expect(summary?.summary).not.toContain('!');
  });

  it('beside a wikilink leaves the wikilink its text', () => {
    const { summary } = parseSummary(
      ['# Warm Pools', '', 'See [[Cold Starts|the earlier note]].', '', '## Best for', 'CTO', ''].join('\n'),
      'pools.md',
      taxonomy,
    );
    expect(summary?.summary).toBe('See the earlier note.');
  });
});
