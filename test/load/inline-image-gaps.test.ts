import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * An image or an Obsidian embed taken out of a sentence leaves one space between the words around
 * it, none before the punctuation after it and none at a line's end: the text part showed "pools  and"
 * and "pools , and", and the HTML a space before the comma.
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function summaryOf(...paragraph: string[]): string | undefined {
  const file = [
    '# Warm Pools',
    '',
    '## Summary',
    ...paragraph,
    '',
    '## Best for',
    'CTO',
    '',
    '[c]: https://example.com/c.png',
  ];
  return parseSummary(file.join('\n'), 'pools.md', taxonomy).summary?.summary;
}

describe('an image between words', () => {
  it.each([
    ['at the end of a line', ['Warm pools ![chart](https://example.com/c.png)', 'end cold starts.']],
    ['by reference at the end of a line', ['Warm pools ![chart][c]', 'end cold starts.']],
    ['as an embed between words', ['Warm pools ![[chart.png]] end cold starts.']],
    ['as an embed at the end of a line', ['Warm pools ![[chart.png]]', 'end cold starts.']],
    ['on a line of its own', ['Warm pools', '![chart](https://example.com/c.png)', 'end cold starts.']],
    ['after a tab', ['Warm pools\t![chart](https://example.com/c.png) end cold starts.']],
    [
      'beside another image',
      ['Warm pools ![a](https://example.com/a.png) ![b](https://example.com/b.png) end cold starts.'],
    ],
  ])('leaves one space %s', (_, paragraph) => {
    expect(summaryOf(...paragraph)).toBe('Warm pools end cold starts.');
  });

  it.each([
    ['a comma', ['Warm pools ![chart](https://example.com/c.png), and only those, end cold starts.']],
    ['a comma, after an embed', ['Warm pools ![[chart.png]], and only those, end cold starts.']],
    [
      'a comma, after two images',
      ['Warm pools ![a](https://example.com/a.png) ![b][c], and only those, end cold starts.'],
    ],
  ])('leaves no space before %s', (_, paragraph) => {
    expect(summaryOf(...paragraph)).toBe('Warm pools, and only those, end cold starts.');
  });

  it('leaves no space at the end of the text', () => {
    expect(summaryOf('Warm pools end cold starts. ![chart](https://example.com/c.png)')).toBe(
      'Warm pools end cold starts.',
    );
  });

  it('keeps the space before a quotation mark that opens a quote', () => {
    expect(summaryOf('Warm pools ![chart][c] »end cold starts«.')).toBe('Warm pools »end cold starts«.');
  });
});
