import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Word's second-level bullets ("o", indented or before a tab) outside a list with markers. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(file: string, ...lines: string[]) {
  const { summary, problems } = parseSummary(lines.join('\n'), file, taxonomy);
  expect(problems).toEqual([]);
  return summary;
}

describe('a Word second-level bullet', () => {
  it('under a bullet of a paragraph section is a paragraph of its own, without its "o"', () => {
    const summary = load(
      'word.txt',
      'Index Bloat',
      'Summary',
      '•\tUnused indexes slow every write.',
      '\to\tDrop them after a month unread.',
      'Key takeaway',
      'Audit indexes quarterly.',
      '  o Start with the largest tables.',
      'Best for: CTO',
    );
    expect(summary?.summary).toBe('Unused indexes slow every write.\n\nDrop them after a month unread.');
    expect(summary?.takeaway).toBe('Audit indexes quarterly.\n\nStart with the largest tables.');
  });

  it('in a list written without markers is an item of its own', () => {
    const summary = load(
      'word.txt',
      'Index Bloat',
      'Summary',
      'Text.',
      'Principles',
      'Measure before dropping.',
      '  o Per table, not per schema.',
      'Best for: CTO',
    );
    expect(summary?.principles).toEqual(['Measure before dropping.', 'Per table, not per schema.']);
  });

  it('in a Markdown body is read the same way', () => {
    const summary = load(
      'word.md',
      '# Index Bloat',
      '',
      'Unused indexes slow writes.',
      '  o Drop them.',
      '',
      '## Best for',
      'CTO',
    );
    expect(summary?.summary).toBe('Unused indexes slow writes.\n\nDrop them.');
  });

  it.each([
    ['a lower-case word after it', ['Unused indexes slow writes.', '  o drop them.']],
    ['a line above going on', ['Unused indexes slow writes because', '  o Postgres keeps them.']],
  ])('with %s stays text', (_case, body) => {
    const summary = load('word.txt', 'Index Bloat', 'Summary', ...body, 'Best for: CTO');
    expect(summary?.summary).toBe(`${body[0]} ${body[1]!.trim()}`);
  });
});
