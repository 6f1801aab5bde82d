import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A read-later app's Markdown export closes with the article's link alone on a line, below the
 * sections (`[Read the original](https://…)`): with no other link given, it is the article's link.
 */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'ML Engineer', aliases: [] },
]);

function load(...lines: string[]) {
  return parseSummary([...lines, ''].join('\n'), 'prompt-caching.md', taxonomy);
}

const SECTIONS = [
  '## Summary',
  'Reusing a stable prompt prefix cut a support bot’s inference bill by a third.',
  '',
  '## Best for',
  'ML Engineer, CTO',
  '',
];

describe('a Markdown link alone on a line below the sections', () => {
  it('is the article link of a file without frontmatter, with nothing left out', () => {
    const { summary, problems } = load(
      '# Prompt Caching Economics',
      '',
      ...SECTIONS,
      '[Read the original](https://example.com/prompt-caching)',
    );
    expect(problems).toEqual([]);
    expect(summary?.url).toBe('https://example.com/prompt-caching');
    expect(summary?.roles).toEqual(['ML Engineer', 'CTO']);
  });

  it('is the article link under frontmatter that gives none', () => {
    const { summary, problems } = load(
      '---',
      'title: Prompt Caching Economics',
      '---',
      ...SECTIONS,
      '[Read the original](https://example.com/prompt-caching)',
    );
    expect(problems).toEqual([]);
    expect(summary?.url).toBe('https://example.com/prompt-caching');
  });

  it('does not replace a link the frontmatter gives', () => {
    const { summary } = load(
      '---',
      'title: Prompt Caching Economics',
      'url: https://example.com/the-article',
      '---',
      ...SECTIONS,
      '[Related reading](https://example.com/related)',
    );
    expect(summary?.url).toBe('https://example.com/the-article');
  });

  it('does not replace a Link line', () => {
    const { summary } = load(
      '# Prompt Caching Economics',
      '',
      ...SECTIONS,
      'Link: https://example.com/the-article',
      '[Related reading](https://example.com/related)',
    );
    expect(summary?.url).toBe('https://example.com/the-article');
  });

  it('is never a link to anything but a web page', () => {
    const { summary } = load('# Prompt Caching Economics', '', ...SECTIONS, '[Read the original](javascript:alert(1))');
    expect(summary?.url).toBeUndefined();
  });
});
