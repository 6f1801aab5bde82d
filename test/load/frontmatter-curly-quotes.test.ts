import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * Frontmatter written with curly quotes where YAML's straight ones go, as a word processor or a
 * phone's keyboard types them: the value is the text inside them.
 */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Engineering Manager', aliases: [] },
]);

function load(...front: string[]) {
  const { summary, problems } = parseSummary(
    ['---', ...front, '---', 'Warm workers end cold starts.', ''].join('\n'),
    'pools.md',
    taxonomy,
  );
  return { title: summary?.title, roles: summary?.roles, problems: problems.map((p) => p.message) };
}

describe('curly quotes in frontmatter', () => {
  it.each([
    [['title: “Warm Pools”', 'roles: [“CTO”, “Engineering Manager”]']],
    [['title: ‘Warm Pools’', 'roles:', '  - ‘CTO’', '  - ‘Engineering Manager’']],
    [['title: „Warm Pools“', 'roles: “CTO, Engineering Manager”']],
  ])('are read as the quotes they stand for: %j', (front) => {
    expect(load(...front)).toEqual({ title: 'Warm Pools', roles: ['CTO', 'Engineering Manager'], problems: [] });
  });

  it('inside a value, or inside straight quotes, are the text as written', () => {
    expect(load('title: “Boring” tech wins', 'roles: [CTO]').title).toBe('“Boring” tech wins');
    expect(load('title: “Fast” and “cheap”', 'roles: [CTO]').title).toBe('“Fast” and “cheap”');
    expect(load('title: "“Warm Pools”"', 'roles: [CTO]').title).toBe('“Warm Pools”');
  });
});
