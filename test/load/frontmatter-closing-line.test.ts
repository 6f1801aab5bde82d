import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Engineering Manager', aliases: [] },
]);

const REST = ['roles: [CTO, Engineering Manager]', 'source: Example Infra Blog', 'url: https://example.com/warm-pools'];

describe('the line that ends a frontmatter', () => {
  it.each([
    { name: 'LF', eol: '\n' },
    { name: 'CRLF', eol: '\r\n' },
  ])('is a "---" at the start of a line, not the indented one of a block value ($name)', ({ eol }) => {
    const front = ['title: Warm Pools', 'summary: |', '  Warm capacity is cheap.', '  ---', '  Cold starts are not.'];
    const text = ['---', ...front, ...REST, '---', ''].join(eol);
    const { summary, problems } = parseSummary(text, 'warm-pools.md', taxonomy);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(summary?.title).toBe('Warm Pools');
    expect(summary?.summary).toBe('Warm capacity is cheap.\n---\nCold starts are not.');
    expect(summary?.source).toBe('Example Infra Blog');
    expect(summary?.roles).toEqual(['CTO', 'Engineering Manager']);
  });

  it('may carry spaces after it', () => {
    const text = ['---', 'title: Warm Pools', 'summary: Warm capacity is cheap.', ...REST, '---   ', ''].join('\n');
    const { summary, problems } = parseSummary(text, 'warm-pools.md', taxonomy);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(summary?.title).toBe('Warm Pools');
  });

  it('is named at its line when only an indented "---" could end the frontmatter', () => {
    const text = ['---', 'title: Warm Pools', 'summary: Warm capacity is cheap.', ...REST, '  ---', ''].join('\n');
    const { summary, problems } = parseSummary(text, 'warm-pools.md', taxonomy);
    expect(summary).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      'warm-pools.md:7: frontmatter: is not closed: this "---" has spaces before it — end the frontmatter with a line "---" at the start of the line',
    ]);
  });
});
