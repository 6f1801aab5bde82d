import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * An image by reference ("![Chart][c]", "![][diagram]", "![diagram]") is left out as an inline
 * image is: read on, readers saw "!Chart" and "![]diagram".
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...body: string[]) {
  return parseSummary(
    [
      '# Warm Pools',
      '',
      ...body,
      '',
      '## Best for',
      'CTO',
      '',
      '[diagram]: https://example.com/diagram.png',
      '[chart]: https://example.com/chart.png',
      '[post]: https://example.com/post',
    ].join('\n'),
    'pools.md',
    taxonomy,
  );
}

describe('an image by reference', () => {
  it('is left out of the text, with or without alt text, and its definition with it', () => {
    const { summary, problems } = load(
      'Warm workers end cold starts. ![][diagram] Pools cost little. ![Chart][chart] See the [post][].',
    );
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(summary?.summary).toBe('Warm workers end cold starts. Pools cost little. See the post.');
  });

  it('leaves out a list item that is only such an image, and keeps the words beside one', () => {
    const { summary } = load(
      'Warm workers end cold starts.',
      '',
      '## In practice',
      '- ![][diagram]',
      '- Keep a pool warm for each region.',
      '- ![Chart][chart]',
      '- ![diagram] Measure cold starts weekly.',
    );
    expect(summary?.practice).toEqual(['Keep a pool warm for each region.', 'Measure cold starts weekly.']);
  });

  it('is text where nothing defines it, as a Markdown preview shows it', () => {
    const { summary } = load('Warm workers end cold starts. ![][nowhere] stays.');
    expect(summary?.summary).toBe('Warm workers end cold starts. ![][nowhere] stays.');
  });
});
