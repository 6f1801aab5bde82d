import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Fields written as lists of objects, as CMS and note-app exports write them. */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Engineering Manager', aliases: [] },
]);

const json = (fields: Record<string, unknown>) => JSON.stringify(fields, null, 2);

describe('a JSON summary whose fields are lists of objects', () => {
  it('reads each entry by its one text field', () => {
    const { summary, problems } = parseSummary(
      json({
        title: 'Warm Pools',
        summary: [{ text: 'Warm workers end cold starts.' }, { text: 'They cost idle memory.' }],
        roles: [{ id: 3, name: 'CTO', slug: 'cto' }, { name: 'Engineering Manager' }],
        insights: [{ text: 'Idle is cheaper than slow.' }],
        principles: [{ value: 'Size the pool to the peak.' }],
        practice: [{ content: 'Start with two warm workers.' }],
        topics: [{ title: 'Serverless' }, 'Latency'],
      }),
      'pools.json',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({
      summary: 'Warm workers end cold starts.\n\nThey cost idle memory.',
      roles: ['CTO', 'Engineering Manager'],
      insights: 'Idle is cheaper than slow.',
      principles: ['Size the pool to the peak.'],
      practice: ['Start with two warm workers.'],
      topics: ['Serverless', 'Latency'],
    });
  });

  it('refuses an entry whose text cannot be told, naming its path and what to write', () => {
    const { summary, problems } = parseSummary(
      json({
        title: 'Warm Pools',
        summary: 'Warm workers end cold starts.',
        roles: ['CTO', { name: 'CTO', title: 'Chief Technology Officer' }, { id: 4 }],
      }),
      'pools.json',
      taxonomy,
    );
    expect(summary).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 6,
        field: 'roles[1]',
        message: expect.stringContaining('more than one text (name, title)'),
        hint: 'write each role as text: "roles": ["CTO", "Engineering Manager"]',
      }),
      expect.objectContaining({ severity: 'error', field: 'roles[2]', message: expect.stringContaining('without') }),
    ]);
  });
});

describe('a Notion page exported as JSON', () => {
  const page = {
    object: 'page',
    id: '2b1f0c3e-0000-4000-8000-000000000001',
    url: 'https://www.notion.so/Warm-Pools-2b1f0c3e',
    properties: {
      Name: {
        id: 'title',
        type: 'title',
        title: [
          { type: 'text', text: { content: 'Warm ' }, plain_text: 'Warm ' },
          { type: 'text', text: { content: 'Pools' }, annotations: { bold: true }, plain_text: 'Pools' },
        ],
      },
      Summary: { type: 'rich_text', rich_text: [{ type: 'text', plain_text: 'Warm workers end cold starts.' }] },
      'Best for': { type: 'multi_select', multi_select: [{ id: 'a', name: 'CTO', color: 'blue' }] },
      Tags: { type: 'multi_select', multi_select: [{ id: 'b', name: 'Serverless', color: 'gray' }] },
      Source: { type: 'select', select: { id: 'c', name: 'Example Cloud Notes', color: 'green' } },
      Date: { type: 'date', date: { start: '2026-11-28T09:12:00.000Z', end: null } },
      'Key takeaway': { type: 'rich_text', rich_text: [] },
      URL: { type: 'url', url: 'https://example.com/warm-pools' },
      Owner: { type: 'people', people: [{ object: 'user', id: 'u1' }] },
    },
  };

  it("is read property by property; the page's own Notion address is not the link", () => {
    const { summary, problems } = parseSummary(json(page), 'pools.json', taxonomy);
    expect(summary).toMatchObject({
      title: 'Warm Pools',
      summary: 'Warm workers end cold starts.',
      roles: ['CTO'],
      topics: ['Serverless'],
      source: 'Example Cloud Notes',
      date: '2026-11-28',
      takeaway: '',
      url: 'https://example.com/warm-pools',
    });
    // A property that is no summary field is named, not read.
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        field: 'Owner',
        message: 'is not a summary field and is ignored',
      }),
    ]);
  });

  it("without a link property has no link, rather than the page's", () => {
    const { URL: _left, ...properties } = page.properties;
    const { summary } = parseSummary(json({ ...page, properties }), 'pools.json', taxonomy);
    expect(summary?.title).toBe('Warm Pools');
    expect(summary?.url).toBeUndefined();
  });
});

describe('Markdown frontmatter whose fields are lists of objects', () => {
  it('reads each entry by its one text field', () => {
    const { summary, problems } = parseSummary(
      [
        '---',
        'title: Warm Pools',
        'roles:',
        '  - name: CTO',
        'insights:',
        '  - text: Idle is cheaper.',
        '---',
        'Warm workers end cold starts.',
        '',
      ].join('\n'),
      'pools.md',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({ roles: ['CTO'], insights: 'Idle is cheaper.' });
  });

  it('refuses one whose text cannot be told, naming its line and what to write', () => {
    const { summary, problems } = parseSummary(
      ['---', 'title: Warm Pools', 'roles:', '  - id: 4', '---', 'Warm workers end cold starts.', ''].join('\n'),
      'pools.md',
      taxonomy,
    );
    expect(summary).toBeUndefined();
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 3,
        field: 'roles[0]',
        hint: 'write each role as text: "roles: [CTO, Engineering Manager]"',
      }),
    ]);
  });
});
