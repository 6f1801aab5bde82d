import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** HTML tags left in a text summary pasted from a web page, CMS or note app, read as what they meant. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...lines: string[]) {
  return parseSummary([...lines, ''].join('\n'), 'pasted.txt', taxonomy);
}

describe('HTML tags in a text summary', () => {
  it("drop their marks, read paragraphs and line breaks, and keep every line number the file's", () => {
    const { summary, problems } = load(
      'Onboarding in <b>Two Weeks</b>',
      'Summary',
      '<p>New engineers ship <em>faster</em> with a buddy.</p><p class="x">The article compares plans.</p>',
      'Key takeaway',
      'Give every hire a buddy.<br>And a first task.<br/>',
      'Best for: CTO, Unknown Role',
    );
    expect(summary).toMatchObject({
      title: 'Onboarding in Two Weeks',
      summary: 'New engineers ship faster with a buddy.\n\nThe article compares plans.',
      takeaway: 'Give every hire a buddy. And a first task.',
    });
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', line: 6, field: 'roles' })]);
  });

  it("read a link's text in the text, and its address on the Link line", () => {
    const { summary, problems } = load(
      'GDPR and Training Data',
      'Summary',
      'See <a href="https://example.com/other">the earlier post</a> on lineage.',
      'Best for: CTO',
      'Link: <a href="https://example.com/gdpr?a=1&amp;b=2">https://example.com/gdpr</a>',
    );
    expect(summary?.summary).toBe('See the earlier post on lineage.');
    expect(summary?.url).toBe('https://example.com/gdpr?a=1&b=2');
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', line: 5, field: 'url' })]);
  });

  it('never take a javascript: address from a link', () => {
    const { summary } = load(
      'Scripts',
      'Summary',
      'Text.',
      'Best for: CTO',
      'Link: <a href="javascript:alert(1)">https://example.com/x</a>',
    );
    expect(summary?.url).toBe('https://example.com/x');
  });

  it('read list items as bullets', () => {
    const { summary } = load(
      'Lists',
      'Summary',
      'Text.',
      'In practice',
      '<ul><li>Track review time.</li><li>Limit work.</li></ul>',
      'Best for: CTO',
    );
    expect(summary?.practice).toEqual(['Track review time.', 'Limit work.']);
  });

  it('leave out other tags of a page, naming the line', () => {
    const { summary, problems } = load(
      'Images',
      'Summary',
      'Text <img src="https://example.com/x.png"> here.',
      'Best for: CTO',
    );
    expect(summary?.summary).toBe('Text here.');
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', line: 3, message: expect.stringContaining('<img') }),
    ]);
  });

  it('leave an element named in prose and a link in brackets as written', () => {
    const { summary, problems } = load(
      'Disclosure',
      'Summary',
      'The <details> element and a <summary> inside it, for a < b, at <https://example.com/a>.',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(
      'The <details> element and a <summary> inside it, for a < b, at <https://example.com/a>.',
    );
  });

  it('leave an address on a Link line as written, and end one in text at a tag', () => {
    const { summary } = load(
      'Addresses',
      'Summary',
      '<p>Read https://example.com/a</p>',
      'Best for: CTO',
      'Link: https://example.com/article?a=<b>#sec-2',
    );
    expect(summary?.summary).toBe('Read https://example.com/a');
    expect(summary?.url).toBe('https://example.com/article?a=%3Cb%3E#sec-2');
  });
});
