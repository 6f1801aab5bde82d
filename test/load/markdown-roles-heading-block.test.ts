import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Lines written straight under the roles of a "## Best for" heading, with no blank line between. */
const taxonomy = createTaxonomy([
  { name: 'AI Architect', aliases: [] },
  { name: 'Data Engineer', aliases: [] },
]);

function load(...below: string[]) {
  const head = [
    '# Vector Search',
    '',
    '## Summary',
    'PostgreSQL with pgvector covers most workloads.',
    '',
    '## Best for',
  ];
  return parseSummary([...head, ...below, ''].join('\n'), 'vector-search.md', taxonomy);
}

describe('the lines under a "## Best for" heading', () => {
  it.each([
    [['- AI Architect', '- Data Engineer', 'Link: https://example.com/pgvector']],
    [['AI Architect, Data Engineer', 'Link: https://example.com/pgvector']],
    [['* AI Architect', '* Data Engineer', 'Source: Example Weekly', 'https://example.com/pgvector']],
  ])('give the roles, and the link below them is the link: %j', (below) => {
    const { summary, problems } = load(...below);
    expect(problems).toEqual([]);
    expect(summary?.roles).toEqual(['AI Architect', 'Data Engineer']);
    expect(summary?.url).toBe('https://example.com/pgvector');
  });
});
