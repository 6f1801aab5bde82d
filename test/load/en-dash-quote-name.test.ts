import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A name under a quotation in an en-dash list ("— Donald Knuth."), as Apple Notes and Word paste it. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function insights(...lines: string[]) {
  const { summary, problems } = parseSummary(
    ['Quotes', 'Summary', 'Text.', 'Key insights', ...lines, 'Best for: CTO', ''].join('\n'),
    'quotes.txt',
    taxonomy,
  );
  expect(problems).toEqual([]);
  return summary?.insights;
}

describe('an em-dash name under an en-dash item', () => {
  it('stays with the item it names the author of, dash and all', () => {
    expect(
      insights('– Premature optimisation is the root of all evil.', '— Donald Knuth.', '– Plans are worthless.'),
    ).toBe('Premature optimisation is the root of all evil. — Donald Knuth.\n\nPlans are worthless.');
  });

  it('is a paragraph of its own when it is a sentence, not a name', () => {
    expect(insights('– First point.', '— and then the teams ship twice as often.')).toBe(
      'First point.\n\nand then the teams ship twice as often.',
    );
  });
});
