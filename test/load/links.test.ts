import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { encodedLink } from '../../src/model/_fields.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * Article links are kept as a browser would send them: what a URL may not hold as written (non-ASCII,
 * `<`, `>`, `"`) is percent-encoded after the host, so the text part's links stay whole in clients
 * that link URLs in text, and every link still leads to the same place.
 */

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const summaryWith = (link: string) =>
  parseSummary(`A title\n\nSummary\nA short summary.\n\nBest for: CTO\nLink: ${link}\n`, 'a.txt', taxonomy).summary;

describe('article links', () => {
  it.each([
    [
      'https://example.jp/評価/ハーネス?q=日本語',
      'https://example.jp/%E8%A9%95%E4%BE%A1/%E3%83%8F%E3%83%BC%E3%83%8D%E3%82%B9?q=%E6%97%A5%E6%9C%AC%E8%AA%9E',
    ],
    ['https://example.com/article?a=<b>#sec-2', 'https://example.com/article?a=%3Cb%3E#sec-2'],
    ['https://example.com/x#frag"onmouseover="alert(1)', 'https://example.com/x#frag%22onmouseover=%22alert(1)'],
    ['https://Bücher.example/ä', 'https://Bücher.example/%C3%A4'],
    ['mailto:ünï@example.com?subject=Hé', 'mailto:%C3%BCn%C3%AF@example.com?subject=H%C3%A9'],
    // Empty query and fragment kept; slashes after the scheme are what the parser makes of them.
    ['https://example.com/ä?#', 'https://example.com/%C3%A4?#'],
    ['https://example.com/ä#', 'https://example.com/%C3%A4#'],
    ['http:///example.com/ä<b>', 'http://example.com/%C3%A4%3Cb%3E'],
    ['https://\\example.com/ä', 'https://example.com/%C3%A4'],
  ])('%s is kept as %s', (written, kept) => {
    expect(summaryWith(written)?.url).toBe(kept);
    expect(new URL(kept).href).toBe(new URL(written).href);
  });

  it('are kept exactly as written when they hold nothing to encode', () => {
    for (const link of ['https://example.com/a%20b?x=1&y=%C3%A4#top', 'https://example.com', 'mailto:a@example.com'])
      expect(summaryWith(link)?.url).toBe(link);
  });

  it('lead where the link as written leads, for any link', () => {
    const odd = fc.constantFrom('ü', '<', '>', '"', '日本', '😀', '%', '|', '^', '{', '`', '\\', '/../', "'");
    const tail = fc
      .tuple(fc.array(fc.oneof(odd, fc.webSegment()), { maxLength: 8 }), fc.constantFrom('', '?', '#', '?#', '?x#'))
      .map(([parts, end]) => parts.join('') + end);
    // What may stand between the scheme and the host, which the parser skips.
    const slashes = fc.constantFrom('', '/', '//', '\\', '/\\');
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), tail, slashes, (url, extra, odd) => {
        // After a `/`: the host is kept as written.
        const written = `${url.replace('//', `//${odd}`)}/${extra}`.replace(/\s/g, '');
        let expected: string;
        try {
          expected = new URL(written).href;
        } catch {
          return;
        }
        const kept = encodedLink(written);
        expect(new URL(kept).href).toBe(expected);
        expect(kept.slice(kept.indexOf('//') + 2).replace(/^[^/]*/, '')).not.toMatch(/[^\x21-\x7e]|[<>"]/u);
      }),
      { numRuns: 500 },
    );
  });
});
