import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A Markdown body without headings, under frontmatter, that gives its link on a "Link:" line. */
const taxonomy = createTaxonomy([{ name: 'Software Engineer', aliases: [] }]);
const markdown = (front: string[], ...body: string[]) =>
  parseSummary(
    ['---', 'title: Feature Flags Rot', 'roles: [Software Engineer]', ...front, '---', '', ...body, ''].join('\n'),
    'flags.md',
    taxonomy,
  );

describe('a Link line in a Markdown body without headings', () => {
  it.each([
    [['Flags outlive their launch.', '', 'Link: https://example.com/flags']],
    [['Flags outlive their launch.', 'Link: <https://example.com/flags>']],
  ])('is the article link, not text readers see (%j)', (body) => {
    const { summary, problems } = markdown([], ...body);
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Flags outlive their launch.');
    expect(summary?.url).toBe('https://example.com/flags');
  });

  it('keeps the body list as paragraphs beside it', () => {
    const { summary, problems } = markdown(
      [],
      'Flags outlive their launch.',
      '',
      '- Give each an owner.',
      '- Give each an expiry.',
      '',
      'Link: https://example.com/flags',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Flags outlive their launch.\n\nGive each an owner.\n\nGive each an expiry.');
    expect(summary?.url).toBe('https://example.com/flags');
  });
});

describe('a Link line between paragraphs of a Markdown body without headings', () => {
  it('is the article link, and the paragraphs below it stay the summary', () => {
    const { summary, problems } = markdown(
      [],
      'Flags outlive their launch.',
      '',
      'Link: https://example.com/flags',
      '',
      'Nobody owns them a year on.',
      '',
      '- Give each an expiry.',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Flags outlive their launch.\n\nNobody owns them a year on.\n\nGive each an expiry.');
    expect(summary?.url).toBe('https://example.com/flags');
  });

  it('inside a paragraph, leaves the paragraph whole around it', () => {
    const { summary } = markdown([], 'Flags outlive', 'Link: https://example.com/flags', 'their launch.');
    expect(summary?.summary).toBe('Flags outlive their launch.');
    expect(summary?.url).toBe('https://example.com/flags');
  });

  it('is read once: a second Link line stays text with a warning, and the summary still loads', () => {
    const { summary, problems } = markdown(
      [],
      'Flags outlive their launch.',
      '',
      'Link: https://example.com/flags',
      '',
      'Link: https://example.com/related',
    );
    expect(summary?.url).toBe('https://example.com/flags');
    expect(summary?.summary).toBe('Flags outlive their launch.\n\nLink: https://example.com/related');
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        field: 'url',
        line: 10,
        message: expect.stringContaining('line 8'),
      }),
    ]);
  });
});

describe('a Link line in a Markdown body without headings, beside the frontmatter url', () => {
  it('stays text, as before, with a warning on its line naming the url line', () => {
    const { summary, problems } = markdown(
      ['url: https://example.com/other'],
      'Flags outlive their launch.',
      '',
      'Link: https://example.com/flags',
    );
    expect(summary?.url).toBe('https://example.com/other');
    expect(summary?.summary).toBe('Flags outlive their launch.\n\nLink: https://example.com/flags');
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        field: 'url',
        line: 9,
        message: expect.stringContaining('line 4'),
      }),
    ]);
  });
});
