import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A heading typed with a dash where the colon would stand, and nothing after it ("In Practice —"). */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const parse = (...lines: string[]) => parseSummary(`${lines.join('\n')}\n`, 'dash-heading.txt', taxonomy);

describe('a heading ending in a dash', () => {
  it('opens its section, so its list is not read into the one above', () => {
    const { summary, problems } = parse(
      'Platform Costs',
      'Summary',
      'Count the whole bill.',
      'Principles',
      '* Support hours are cost.',
      '',
      'In Practice —',
      '1. Publish a cost sheet.',
      '2. Track migration hours.',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.principles).toEqual(['Support hours are cost.']);
    expect(summary?.practice).toEqual(['Publish a cost sheet.', 'Track migration hours.']);
  });

  it.each([
    ['Key Takeaways –', 'takeaway'],
    ['Key insights -', 'insights'],
    ['KEY TAKEAWAY —', 'takeaway'],
    ['Why it matters --', 'takeaway'],
  ])('reads "%s" as its section', (heading, field) => {
    const { summary, problems } = parse(
      'Platform Costs',
      'Summary',
      'Count the whole bill.',
      heading,
      'Price it.',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.[field as 'takeaway' | 'insights']).toBe('Price it.');
    expect(summary?.summary).toBe('Count the whole bill.');
  });

  it('keeps a dash followed by words as before', () => {
    const { summary } = parse(
      'Platform Costs',
      'Summary',
      'Count the whole bill.',
      'In practice - it depends on the team.',
      'Best for: CTO',
    );
    expect(summary?.summary).toBe('Count the whole bill. In practice - it depends on the team.');
    expect(summary?.practice).toEqual([]);
  });
});
