import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Obsidian's embed on a line of its own, as Obsidian writes one: left out, as an image is. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...lines: string[]) {
  return parseSummary(['# Warm Pools', '', ...lines, '', '## Best for', 'CTO', ''].join('\n'), 'pools.md', taxonomy);
}

describe('an Obsidian embed on its own line', () => {
  it('is left out of the section it stands in', () => {
    const { summary, problems } = load(
      'Warm workers end cold starts.',
      '',
      '![[pool-diagram.png]]',
      '',
      '## Key takeaway',
      '![[Takeaway note]]',
      'Keep a pool warm for each region.',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Warm workers end cold starts.');
    expect(summary?.takeaway).toBe('Keep a pool warm for each region.');
  });

  it('between words leaves one space', () => {
    expect(load('Warm ![[pool-diagram.png|300]] workers end cold starts.').summary?.summary).toBe(
      'Warm workers end cold starts.',
    );
  });

  it('in a code span is kept as written', () => {
    expect(load('Obsidian writes `![[pool-diagram.png]]` for it.').summary?.summary).toBe(
      'Obsidian writes ![[pool-diagram.png]] for it.',
    );
  });
});
