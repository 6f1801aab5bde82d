import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A source written with its publication's home page: the front page is never the article's link. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(source: string) {
  return parseSummary(`Edge Models\nSummary\nText.\nBest for: CTO\nSource: ${source}\n`, 'edge.txt', taxonomy);
}

describe('a source written with a home page address', () => {
  it.each(['Example Mobile AI, https://mobileai.example.com/', 'Example Mobile AI (https://mobileai.example.com)'])(
    '%s gives the name, no link, and a warning on its line',
    (source) => {
      const { summary, problems } = load(source);
      expect(summary?.source).toBe('Example Mobile AI');
      expect(summary?.url).toBeUndefined();
      expect(problems).toEqual([expect.objectContaining({ severity: 'warning', line: 5, field: 'url' })]);
    },
  );

  it('still gives the link when the address is an article', () => {
    const { summary, problems } = load('Example Mobile AI, https://mobileai.example.com/2026/edge-models');
    expect(summary?.url).toBe('https://mobileai.example.com/2026/edge-models');
    expect(problems).toEqual([]);
  });

  it('is read the same from a JSON summary', () => {
    const { summary, problems } = parseSummary(
      JSON.stringify({
        title: 'T',
        summary: 'S',
        roles: ['CTO'],
        source: 'Example Mobile AI <https://mobileai.example.com/>',
      }),
      'edge.json',
      taxonomy,
    );
    expect(summary?.source).toBe('Example Mobile AI');
    expect(summary?.url).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', field: 'url' })]);
  });
});
