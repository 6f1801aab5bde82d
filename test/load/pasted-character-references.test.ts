import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { parseSummary } from '../../src/load/summary.js';
import { createRenderer } from '../../src/render/index.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { fixtureProject } from '../render/_fixtures.js';

/** Text summaries pasted from RSS feeds and CMS exports, HTML character references and all. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(title: string, text: string, link = 'https://example.com/rd') {
  return parseSummary(
    [title, 'Summary', text, 'Best for: CTO', `Link: ${link}`, ''].join('\n'),
    'pasted.txt',
    taxonomy,
  );
}

describe('character references in a text summary', () => {
  it('are read as the characters they name in the title and the text', () => {
    const { summary, problems } = load(
      'R&amp;D Budgets &#8212; A Primer',
      'It&#39;s a short read&hellip; on R&amp;D&nbsp;spend &mdash; outcomes &#x2013; not headcount &lt;3.',
    );
    expect(problems).toEqual([]);
    expect(summary?.title).toBe('R&D Budgets — A Primer');
    expect(summary?.summary).toBe("It's a short read… on R&D\u00a0spend — outcomes – not headcount <3.");
  });

  it('leave a literal "&" as written, in text and in a link', () => {
    const { summary, problems } = load(
      'Q&A with AT&T',
      'R&D, P&L & M&A; Tom & Jerry; &unknownname; and a bare &amp without its semicolon.',
      'https://example.com/a?x=1&y=2&copy=3',
    );
    expect(problems).toEqual([]);
    expect(summary?.title).toBe('Q&A with AT&T');
    expect(summary?.summary).toBe('R&D, P&L & M&A; Tom & Jerry; &unknownname; and a bare &amp without its semicolon.');
    expect(summary?.url).toBe('https://example.com/a?x=1&y=2&copy=3');
  });

  it('are read once: "&amp;lt;" is shown as "&lt;"', () => {
    expect(load('Escaping', 'Write &amp;lt; for a less-than sign.').summary?.summary).toBe(
      'Write &lt; for a less-than sign.',
    );
  });

  it.each([
    ['a control character', '&#27;[31m'],
    ['a NUL', '&#0;'],
    ['a line break', 'one&#10;two'],
    ['a right-to-left override', '&#x202E;txt.exe'],
    ['a left-to-right embedding', '&#8234;'],
  ])('never give %s: the reference stays as written', (_, written) => {
    const { summary, problems } = load('Controls', `Before ${written} after.`);
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(`Before ${written} after.`);
  });

  it('send readers to the address meant when a link holds "&amp;", with a warning on its line', () => {
    const { summary, problems } = load('Budgets', 'Text.', 'https://example.com/rd?a=1&amp;b=2');
    expect(summary?.url).toBe('https://example.com/rd?a=1&b=2');
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        file: 'pasted.txt',
        line: 5,
        field: 'url',
        message: expect.stringContaining('"&amp;"'),
      }),
    ]);
  });

  it('warn too where a source written with its address gives the link', () => {
    const { summary, problems } = parseSummary(
      [
        'Budgets',
        'Summary',
        'Text.',
        'Best for: CTO',
        'Source: Example Weekly (https://example.com/rd?a=1&amp;b=2)',
        '',
      ].join('\n'),
      'pasted.txt',
      taxonomy,
    );
    expect([summary?.source, summary?.url]).toEqual(['Example Weekly', 'https://example.com/rd?a=1&b=2']);
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', line: 5, field: 'url' })]);
  });

  it.each(['javascript&#58;alert(1)', '&#106;avascript:alert(1)', 'java&#115;cript:alert(1)'])(
    'never make a javascript: link: %s is refused',
    (link) => {
      const { summary, problems } = load('Budgets', 'Text.', link);
      expect(summary).toBeUndefined();
      expect(problems).toContainEqual(
        expect.objectContaining({ severity: 'error', line: 5, field: 'url', message: expect.stringContaining('http') }),
      );
    },
  );
});

describe('HTML pasted into a text summary', () => {
  it.each([
    ['&lt;p&gt;Choose boring technology.&lt;/p&gt;', '<p>'],
    ['&lt;br&gt;Choose boring technology.', '<br>'],
  ])('written as references is warned about on its line: %s', (text, tag) => {
    const { summary, problems } = load('Boring Tech', text);
    expect(summary).toBeDefined();
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        file: 'pasted.txt',
        line: 3,
        message: expect.stringContaining(tag),
        hint: expect.stringContaining('no tags'),
      }),
    ]);
  });

  it('is not seen in a link in brackets or an element named in prose', () => {
    const { problems } = load(
      'Disclosure',
      'The <details> element and a <summary> inside it.',
      '<https://example.com/a>',
    );
    expect(problems).toEqual([]);
  });
});

describe('a decoded summary in the email', () => {
  it('is escaped once: readers see "R&D", never "R&amp;D"', async () => {
    const { summary } = load('R&amp;D Budgets', 'Spend on R&amp;D &lt;b&gt;wisely&lt;/b&gt;.');
    const project = fixtureProject({
      summaries: [{ id: 'rd', roles: ['CTO'], title: summary!.title, summary: summary!.summary }],
    });
    const { summaries, manifest } = project.issue;
    const renderer = await createRenderer(project);
    const compiled = await renderer.compile(
      buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), undefined),
    );
    const { html, text } = compiled.personalise({
      email: 'reader@example.com',
      unsubscribeUrl: 'https://test.example/u',
    });
    expect(html).toContain('R&amp;D Budgets');
    expect(html).toContain('Spend on R&amp;D &lt;b&gt;wisely&lt;/b&gt;.');
    expect(html).not.toContain('&amp;amp;');
    expect(html).not.toContain('<b>wisely');
    expect(text).toContain('R&D Budgets');
    expect(text).toContain('Spend on R&D <b>wisely</b>.');
  });
});
