import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A Slack link ("<https://…|text>") alone on a line of a Markdown body under frontmatter. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...frontmatter: string[]) {
  return parseSummary(
    [
      '---',
      'title: Retry Storms',
      'roles: [CTO]',
      ...frontmatter,
      '---',
      'Retries without jitter synchronise clients.',
      '',
      '<https://example.com/retry-storms|Retry Storms>',
      '',
    ].join('\n'),
    'slack.md',
    taxonomy,
  );
}

describe('a Slack link alone on a line below frontmatter', () => {
  it('is the article link, not text readers see', () => {
    const { summary, problems } = load();
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Retries without jitter synchronise clients.');
    expect(summary?.url).toBe('https://example.com/retry-storms');
  });

  it('beside the frontmatter url is left out with a warning naming its line', () => {
    const { summary, problems } = load('url: https://example.com/other');
    expect(summary?.summary).toBe('Retries without jitter synchronise clients.');
    expect(summary?.url).toBe('https://example.com/other');
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 8,
        field: 'url',
        message: expect.stringContaining('Slack link'),
      }),
    ]);
  });

  it('repeating the frontmatter url is left out without a warning', () => {
    const { summary, problems } = load('url: https://example.com/retry-storms');
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Retries without jitter synchronise clients.');
  });

  it('under a section heading is the link too', () => {
    const { summary, problems } = parseSummary(
      [
        '---',
        'title: Retry Storms',
        'roles: [CTO]',
        '---',
        '## Summary',
        'Jitter helps.',
        '',
        '<https://example.com/r|R>',
        '',
      ].join('\n'),
      'slack.md',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Jitter helps.');
    expect(summary?.url).toBe('https://example.com/r');
  });
});
