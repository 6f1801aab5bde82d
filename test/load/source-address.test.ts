import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A source written with its address: readers see the name, the address becomes the article's link. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const text = (...lines: string[]) =>
  parseSummary(
    ['Latency Budgets', 'Summary', 'Each team spends a budget.', 'Best for: CTO', ...lines, ''].join('\n'),
    'source.txt',
    taxonomy,
  );

describe('a source with an address inside a note in brackets', () => {
  it('stays as written: neither a name with half a bracket nor a link ending in one', () => {
    const { summary } = text('Source: Example Weekly (print edition, https://example.com/weekly/budgets)');
    expect(summary?.source).toBe('Example Weekly (print edition, https://example.com/weekly/budgets)');
    expect(summary?.url).toBeUndefined();
  });

  it('keeps an address whose own brackets are closed', () => {
    const { summary } = text('Source: Example Weekly - https://example.com/wiki/Queue_(computing)');
    expect(summary?.source).toBe('Example Weekly');
    expect(summary?.url).toBe('https://example.com/wiki/Queue_(computing)');
  });
});

describe('a source written with its address', () => {
  it.each([
    'Source: Example Weekly (https://example.com/weekly/budgets)',
    'Source: Example Weekly <https://example.com/weekly/budgets>',
    'Source: [Example Weekly](https://example.com/weekly/budgets)',
    'Source: Example Weekly - https://example.com/weekly/budgets',
    'Source: Example Weekly, https://example.com/weekly/budgets.',
  ])('"%s" gives the source name and the article link', (line) => {
    const { summary, problems } = text(line);
    expect(problems).toEqual([]);
    expect(summary?.source).toBe('Example Weekly');
    expect(summary?.url).toBe('https://example.com/weekly/budgets');
  });

  it('drops the address from the name when it is the link already', () => {
    const { summary, problems } = text(
      'Link: https://example.com/weekly/budgets',
      'Source: Example Weekly (https://example.com/weekly/budgets/)',
    );
    expect(problems).toEqual([]);
    expect(summary?.source).toBe('Example Weekly');
    expect(summary?.url).toBe('https://example.com/weekly/budgets');
  });

  it('keeps a different address as written beside another link, so neither is lost', () => {
    const { summary } = text(
      'Link: https://example.com/weekly/budgets',
      'Source: Example Weekly (https://example.org/home)',
    );
    expect(summary?.source).toBe('Example Weekly (https://example.org/home)');
    expect(summary?.url).toBe('https://example.com/weekly/budgets');
  });

  it('reads a JSON source the same way', () => {
    const json = JSON.stringify({
      title: 'Latency Budgets',
      summary: 'Each team spends a budget.',
      roles: ['CTO'],
      source: 'Example Weekly (https://example.com/weekly/budgets)',
    });
    const { summary, problems } = parseSummary(json, 'source.json', taxonomy);
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({ source: 'Example Weekly', url: 'https://example.com/weekly/budgets' });
  });

  it('leaves a source whose address holds a space as written', () => {
    const { summary, problems } = text('Source: Example Weekly (https://exa mple.com/x)');
    expect(summary?.source).toBe('Example Weekly (https://exa mple.com/x)');
    expect(problems).toEqual([]);
  });
});
