import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A link or source address as editors end a sentence with it ("Link: https://…/queues.", "(see
 * https://…/a?x=1)."): the full stop or unbalanced bracket after it is the sentence's, not the
 * address's, so readers are sent where the article is. A bracket the address opens itself
 * (Wikipedia's `Queue_(abstract_data_type)`) is kept.
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const text = (line: string) => `A title\n\nSummary\nA short summary.\n\nBest for: CTO\n${line}\n`;
const load = (body: string, file: string) => {
  const { summary, problems } = parseSummary(body, file, taxonomy);
  return { url: summary?.url, source: summary?.source, problems };
};

const written: [string, string][] = [
  ['https://example.com/queues.', 'https://example.com/queues'],
  ['https://example.com/a?x=1).', 'https://example.com/a?x=1'],
  ['https://example.com/a?x=1]!', 'https://example.com/a?x=1'],
  ['https://example.com/queues;', 'https://example.com/queues'],
  [
    'https://en.wikipedia.org/wiki/Queue_(abstract_data_type)',
    'https://en.wikipedia.org/wiki/Queue_(abstract_data_type)',
  ],
  [
    'https://en.wikipedia.org/wiki/Queue_(abstract_data_type).',
    'https://en.wikipedia.org/wiki/Queue_(abstract_data_type)',
  ],
];

describe('a link ending a sentence', () => {
  it.each(['Link', 'Read more', 'Source'])('on a "%s:" line drops what ends the sentence', (label) => {
    for (const [link, kept] of written) {
      const loaded = load(text(`${label}: ${link}`), 'a.txt');
      expect(loaded.url, link).toBe(kept);
      expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    }
  });

  it('after a source name drops it too', () => {
    expect(load(text('Source: Example Weekly - https://example.com/a?x=1).'), 'a.txt')).toMatchObject({
      url: 'https://example.com/a?x=1',
      source: 'Example Weekly',
    });
  });

  it.each([
    ['(https://example.com/queues)', 'https://example.com/queues'],
    ['<https://example.com/queues>.', 'https://example.com/queues'],
    [
      '(https://en.wikipedia.org/wiki/Queue_(abstract_data_type)).',
      'https://en.wikipedia.org/wiki/Queue_(abstract_data_type)',
    ],
  ])('wrapped as %s is read', (link, kept) => {
    const loaded = load(text(`Link: ${link}`), 'a.txt');
    expect(loaded.url).toBe(kept);
    expect(loaded.problems).toEqual([]);
  });

  it('on a Markdown body\'s "Link:" line drops it', () => {
    const md =
      '---\ntitle: A title\nroles: [CTO]\n---\n\n## Summary\n\nA short summary.\n\nLink: https://example.com/queues.\n';
    expect(load(md, 'a.md').url).toBe('https://example.com/queues');
  });

  it.each([
    ['url', 'a.md'],
    ['url', 'a.json'],
    ['source', 'a.json'],
    ['source', 'a.md'],
  ])('in an explicit %s field of %s drops it with a warning naming the line', (field, file) => {
    const body = file.endsWith('.json')
      ? `{\n  "title": "A title",\n  "summary": "A short summary.",\n  "roles": ["CTO"],\n  "${field}": "https://example.com/a?x=1)."\n}\n`
      : `---\ntitle: A title\nroles: [CTO]\n${field}: https://example.com/a?x=1).\n---\n\n## Summary\n\nA short summary.\n`;
    const loaded = load(body, file);
    expect(loaded.url).toBe('https://example.com/a?x=1');
    expect(loaded.problems).toEqual([
      expect.objectContaining({ severity: 'warning', file, line: file.endsWith('.json') ? 5 : 4, field: 'url' }),
    ]);
    expect(loaded.problems[0]!.message).toContain('")."');
  });

  it('keeps a balanced bracket in a structured field, with no warning', () => {
    const json = JSON.stringify({
      title: 'A title',
      summary: 'A short summary.',
      roles: ['CTO'],
      url: 'https://en.wikipedia.org/wiki/Queue_(abstract_data_type)',
    });
    expect(load(json, 'a.json')).toMatchObject({
      url: 'https://en.wikipedia.org/wiki/Queue_(abstract_data_type)',
      problems: [],
    });
  });
});
