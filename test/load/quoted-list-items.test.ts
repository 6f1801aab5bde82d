import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A list inside a quote reads as the same list outside one: its items reached readers run on in
 * one paragraph, each with its marker ("Why it matters. - Keep warm. - Drain cold pools."), in
 * the HTML and the text part alike.
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...body: string[]) {
  const file = ['# Warm Pools', '', ...body, '', '## Best for', 'CTO'];
  return parseSummary(file.join('\n'), 'pools.md', taxonomy);
}

describe('a list inside a quote', () => {
  it('gives the In practice list its items, without their markers', () => {
    const { summary, problems } = load(
      '## Summary',
      'Warm workers end cold starts.',
      '',
      '## In practice',
      '> - Keep one pool warm.',
      '> * Drain cold pools at night.',
      '> 3. Measure the p99.',
    );
    expect(problems).toEqual([]);
    expect(summary?.practice).toEqual(['Keep one pool warm.', 'Drain cold pools at night.', 'Measure the p99.']);
  });

  it('reads the same as the list written without the quote', () => {
    const quoted = load('## Summary', '> It matters.', '>', '> - Keep warm.', '> - Drain cold pools.');
    const plain = load('## Summary', 'It matters.', '', '- Keep warm.', '- Drain cold pools.');
    expect(quoted.summary?.summary).toBe(plain.summary?.summary);
    expect(quoted.summary?.summary).not.toMatch(/- Keep|- Drain/);
    expect(quoted.summary?.summary).toContain('Keep warm.');
  });

  it('keeps an item written on over two quoted lines as one item', () => {
    const { summary } = load(
      '## Summary',
      'Warm workers end cold starts.',
      '',
      '## In practice',
      '> - Keep one pool',
      '>   warm all day.',
      '> - Drain cold pools.',
    );
    expect(summary?.practice).toEqual(['Keep one pool warm all day.', 'Drain cold pools.']);
  });

  it('reads a quote nested in a quote, and one without a list, as before', () => {
    expect(load('## Summary', '> > - Keep warm.', '> > - Drain cold pools.').summary?.summary).not.toMatch(/- /);
    expect(load('## Summary', '> Warm workers', '> end cold starts.').summary?.summary).toBe(
      'Warm workers end cold starts.',
    );
  });
});
