import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A source a CMS or Notion exports with its address beside its name (`{"name": …, "url": …}`, a
 * rich-text run linked to the article): the address is the article's link, not left out.
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(value: Record<string, unknown>) {
  const { summary, problems } = parseSummary(JSON.stringify(value), 'pools.json', taxonomy);
  return { source: summary?.source, url: summary?.url, problems: problems.map((p) => p.message) };
}

describe('a source object with an address', () => {
  it.each([
    [{ name: 'Example Weekly', url: 'https://example.com/2026/warm-pools' }],
    [[{ plain_text: 'Example Weekly', href: 'https://example.com/2026/warm-pools' }]],
    [
      [
        {
          type: 'text',
          text: { content: 'Example Weekly', link: { url: 'https://example.com/2026/warm-pools' } },
          plain_text: 'Example Weekly',
          href: 'https://example.com/2026/warm-pools',
        },
      ],
    ],
  ])('gives the article its link: %j', (source) => {
    expect(load({ title: 'Warm Pools', summary: 'Warm workers end cold starts.', roles: ['CTO'], source })).toEqual({
      source: 'Example Weekly',
      url: 'https://example.com/2026/warm-pools',
      problems: [],
    });
  });

  it('in a Notion page gives the article its link', () => {
    const page = {
      object: 'page',
      url: 'https://www.notion.so/Warm-Pools-0123',
      properties: {
        Name: { type: 'title', title: [{ plain_text: 'Warm Pools' }] },
        Summary: { type: 'rich_text', rich_text: [{ plain_text: 'Warm workers end cold starts.' }] },
        Roles: { type: 'multi_select', multi_select: [{ name: 'CTO' }] },
        Source: {
          type: 'rich_text',
          rich_text: [{ plain_text: 'Example Weekly', href: 'https://example.com/2026/warm-pools' }],
        },
      },
    };
    expect(load(page)).toEqual({ source: 'Example Weekly', url: 'https://example.com/2026/warm-pools', problems: [] });
  });

  it('beside another link keeps its address with its name', () => {
    const read = load({
      title: 'Warm Pools',
      summary: 'Warm workers end cold starts.',
      roles: ['CTO'],
      url: 'https://example.com/2026/warm-pools',
      source: { name: 'Example Weekly', url: 'https://mirror.example.org/warm-pools' },
    });
    expect(read.url).toBe('https://example.com/2026/warm-pools');
    expect(read.source).toBe('Example Weekly (https://mirror.example.org/warm-pools)');
  });

  it('without an address is its name, as before', () => {
    expect(load({ title: 'W', summary: 'S.', roles: ['CTO'], source: { name: 'Example Weekly' } }).source).toBe(
      'Example Weekly',
    );
  });
});
