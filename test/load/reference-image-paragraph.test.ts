import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A paragraph, or an item of a section read as paragraphs (Summary, Key takeaway), that is only an
 * image by reference is left out as an inline image alone is: it reached readers as "![diagram]".
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...body: string[]) {
  return parseSummary(
    ['# Warm Pools', '', ...body, '', '## Best for', 'CTO', '', '[diagram]: https://example.com/diagram.png'].join(
      '\n',
    ),
    'pools.md',
    taxonomy,
  );
}

describe('an image by reference alone in a section read as paragraphs', () => {
  it('is left out as a paragraph of its own', () => {
    const { summary } = load(
      '## Summary',
      'Warm workers end cold starts.',
      '',
      '## Key takeaway',
      '![diagram]',
      '',
      'Keep a pool warm.',
    );
    expect(summary?.takeaway).toBe('Keep a pool warm.');
  });

  it('is left out as a list item, with or without alt text', () => {
    const { summary } = load('## Summary', '- ![][diagram]', '- Warm workers end cold starts.', '- ![Chart][diagram]');
    expect(summary?.summary).toBe('Warm workers end cold starts.');
  });

  it('keeps a paragraph where words stand beside it', () => {
    const { summary } = load(
      '## Summary',
      'Warm workers end cold starts.',
      '',
      '## Key takeaway',
      '![diagram] Keep a pool warm.',
    );
    expect(summary?.takeaway).toBe('Keep a pool warm.');
  });
});
