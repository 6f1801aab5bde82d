import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A link copied out of a Slack message, `<https://…|text>`, alone on a line of a summary. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const SLACK = '<https://example.com/retry-storms|Retry Storms>';

function load(file: string, ...lines: string[]) {
  return parseSummary(lines.join('\n'), file, taxonomy);
}

describe('a Slack link alone on a line', () => {
  it.each([
    ['in a text summary', 'storms.txt', ['Retry Storms', 'Summary', 'Backoff needs jitter.', SLACK, 'Best for: CTO']],
    ['below the roles', 'storms.txt', ['Retry Storms', 'Summary', 'Backoff needs jitter.', 'Best for: CTO', SLACK]],
    [
      'in a Markdown body',
      'storms.md',
      ['# Retry Storms', '', 'Backoff needs jitter.', '', SLACK, '', '## Best for', 'CTO'],
    ],
  ])('%s is the article link, not text readers see', (_where, file, lines) => {
    const { summary, problems } = load(file, ...lines);
    expect(problems).toEqual([]);
    expect(summary?.url).toBe('https://example.com/retry-storms');
    expect(summary?.summary).toBe('Backoff needs jitter.');
  });

  it('beside a Link line is left out with a warning naming its line', () => {
    const { summary, problems } = load(
      'storms.txt',
      'Retry Storms',
      'Summary',
      'Backoff needs jitter.',
      '<https://example.com/other|Other>',
      'Best for: CTO',
      'Link: https://example.com/retry-storms',
    );
    expect(summary?.url).toBe('https://example.com/retry-storms');
    expect(summary?.summary).toBe('Backoff needs jitter.');
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', line: 4, field: 'url' })]);
  });

  it('repeating the Link line is left out without a word', () => {
    const { summary, problems } = load(
      'storms.txt',
      'Retry Storms',
      'Summary',
      'Backoff needs jitter.',
      SLACK,
      'Best for: CTO',
      'Link: https://example.com/retry-storms',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Backoff needs jitter.');
  });

  it('never gives an address that is not a web page', () => {
    const { summary } = load(
      'storms.txt',
      'Retry Storms',
      'Summary',
      'Backoff.',
      '<javascript:alert(1)|x>',
      'Best for: CTO',
    );
    expect(summary?.url).toBeUndefined();
  });
});
