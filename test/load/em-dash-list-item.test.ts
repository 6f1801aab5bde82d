import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A list typed with en dashes whose last item a word processor turned into an em dash. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const parse = (...lines: string[]) => parseSummary(`${lines.join('\n')}\n`, 'dashes.txt', taxonomy);

describe('an em-dash line closing a list', () => {
  it('is the last item of an en-dash list when it ends like one, not the source', () => {
    const { summary, problems } = parse(
      'Dash Lists',
      'Summary',
      'Three points follow.',
      'Principles',
      '– Bound every queue.',
      '– Measure age.',
      '— Shed load early.',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.principles).toEqual(['Bound every queue.', 'Measure age.', 'Shed load early.']);
    expect(summary?.source).toBeUndefined();
  });

  it('is an item when it reads as a sentence rather than a name', () => {
    const { summary } = parse(
      'Dash Lists',
      'Summary',
      'Points.',
      'Principles',
      '- Bound queues',
      '— measure the age of work',
      'Best for: CTO',
    );
    expect(summary?.principles).toEqual(['Bound queues', 'measure the age of work']);
    expect(summary?.source).toBeUndefined();
  });

  it('still names the source under a list with other markers', () => {
    const { summary } = parse(
      'Dash Lists',
      'Summary',
      'Points.',
      'Principles',
      '- Bound every queue.',
      '— Jane Doe, Example Weekly',
      'Best for: CTO',
    );
    expect(summary?.principles).toEqual(['Bound every queue.']);
    expect(summary?.source).toBe('Jane Doe, Example Weekly');
  });
});
