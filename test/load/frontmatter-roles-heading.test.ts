import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A Markdown summary whose frontmatter gives its roles and source, with "## Best for" or "## Source" in its body. */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'AI Architect', aliases: [] },
]);

function load(...body: string[]) {
  const front = ['---', 'title: Vector Search', 'roles: [CTO]', 'source: Example Weekly'];
  const text = [
    ...front,
    'url: https://example.com/pgvector',
    '---',
    '## Summary',
    'pgvector covers most workloads.',
    '',
  ];
  return parseSummary([...text, ...body, ''].join('\n'), 'vector-search.md', taxonomy);
}

describe('a heading in the body naming what the frontmatter gives', () => {
  it.each([
    [['## Best for', '- AI Architect'], 'Best for'],
    [['## Source', 'Example Monthly'], 'Source'],
  ])('leaves the frontmatter to stand, with the heading warned about, and the summary loads: %j', (body, heading) => {
    const { summary, problems } = load(...body);
    expect(summary).toMatchObject({ roles: ['CTO'], source: 'Example Weekly', url: 'https://example.com/pgvector' });
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', field: 'heading', message: expect.stringContaining(heading) }),
    ]);
  });
});
