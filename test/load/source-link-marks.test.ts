import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const ADDRESS = 'https://example.com/infra/warm-pools';

/** One summary in each format, its source written as given, with or without a link of its own. */
function summaryIn(format: 'txt' | 'json' | 'md', source: string, link?: string) {
  const text =
    format === 'txt'
      ? ['Warm Pools', 'Summary', 'Keep two warm.', 'Best for: CTO', `Source: ${source}`]
          .concat(link ? [`Link: ${link}`] : [])
          .join('\n')
      : format === 'json'
        ? JSON.stringify({ title: 'Warm Pools', summary: 'Keep two warm.', roles: ['CTO'], source, url: link })
        : ['---', 'title: Warm Pools', 'roles: [CTO]', `source: "${source}"`]
            .concat(link ? [`url: ${link}`] : [], ['---', 'Keep two warm.'])
            .join('\n');
  return parseSummary(`${text}\n`, `warm-pools.${format}`, taxonomy);
}

const FORMATS = ['txt', 'json', 'md'] as const;
const FORMS = [
  { written: `<${ADDRESS}>`, name: undefined },
  { written: `[${ADDRESS}](${ADDRESS})`, name: undefined },
  { written: `<${ADDRESS}|${ADDRESS}>`, name: undefined },
  { written: `<${ADDRESS}|Example Infra Blog>`, name: 'Example Infra Blog' },
];

describe('a source written as a link with its marks (mail client, Markdown, Slack)', () => {
  it.each(FORMATS.flatMap((format) => FORMS.map((form) => ({ format, ...form }))))(
    '$format: "$written" is the article\'s link, and readers see no marks as the source',
    ({ format, written, name }) => {
      const { summary, problems } = summaryIn(format, written);
      expect(problems.map(formatProblem)).toEqual([]);
      expect(summary?.url).toBe(ADDRESS);
      expect(summary?.source).toBe(name);
    },
  );

  it.each(FORMATS)('%s: beside the same link, an address alone is shown without its marks', (format) => {
    const { summary, problems } = summaryIn(format, `<${ADDRESS}>`, ADDRESS);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(summary?.url).toBe(ADDRESS);
    expect(summary?.source).toBe(ADDRESS);
  });

  it.each(FORMATS)('%s: a Markdown link whose text is another address stays as written', (format) => {
    const written = `[https://example.com/other](${ADDRESS})`;
    const { summary } = summaryIn(format, written);
    expect(summary?.source).toBe(written);
    expect(summary?.url).toBeUndefined();
  });
});

describe("a source that is only a publication's home page address", () => {
  const HOME = 'https://example.com/';
  it.each(
    FORMATS.flatMap((format) => [HOME, `<${HOME}>`, `[${HOME}](${HOME})`].map((written) => ({ format, written }))),
  )(
    '$format: "$written" is not the article\'s link: it stays the source, with a warning that the link is missing',
    ({ format, written }) => {
      const { summary, problems } = summaryIn(format, written);
      expect(summary?.url).toBeUndefined();
      expect(summary?.source).toBe(HOME);
      expect(problems).toEqual([
        expect.objectContaining({
          severity: 'warning',
          line: format === 'md' ? 4 : format === 'txt' ? 5 : 1,
          field: 'url',
        }),
      ]);
      expect(problems[0]?.message).toContain("is the publication's home page");
    },
  );
});
