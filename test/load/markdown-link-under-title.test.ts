import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A note app's export: "# Title", the article's link as a paragraph of its own, then the summary's prose. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...lines: string[]) {
  return parseSummary([...lines, ''].join('\n'), 'observability-budgets.md', taxonomy);
}

describe('a link paragraph under a Markdown title', () => {
  it('is the article link, not the first line of the summary', () => {
    const { summary, problems } = load(
      '# Observability Budgets',
      '',
      '[example.com](https://example.com/obs)',
      '',
      'Telemetry spend grows faster than traffic.',
      '',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Telemetry spend grows faster than traffic.');
    expect(summary?.url).toBe('https://example.com/obs');
  });

  it('stays prose when a Link line gives the link', () => {
    const { summary } = load(
      '# Observability Budgets',
      '',
      '[example.com](https://example.com/obs)',
      '',
      'Telemetry spend grows faster than traffic.',
      '',
      'Best for: CTO',
      'Link: https://example.com/observability',
    );
    expect(summary?.summary).toBe('example.com\n\nTelemetry spend grows faster than traffic.');
    expect(summary?.url).toBe('https://example.com/observability');
  });
});
