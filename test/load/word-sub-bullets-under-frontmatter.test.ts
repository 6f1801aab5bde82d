import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Word's second-level bullet ("o" indented or before a tab) in a Markdown body under frontmatter. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...body: string[]) {
  const { summary, problems } = parseSummary(
    ['---', 'title: Index Bloat', 'roles: [CTO]', '---', ...body, ''].join('\n'),
    'word.md',
    taxonomy,
  );
  expect(problems).toEqual([]);
  return summary;
}

describe('a Word second-level bullet below frontmatter', () => {
  it.each([['  o Drop them after a month unread.'], ['\to\tDrop them after a month unread.']])(
    '%j is a paragraph of its own, without its "o"',
    (line) => {
      expect(load('Unused indexes slow every write.', line)?.summary).toBe(
        'Unused indexes slow every write.\n\nDrop them after a month unread.',
      );
    },
  );

  it.each([
    ['a lower-case word after it', ['Unused indexes slow writes.', '  o drop them.']],
    ['a line above going on', ['Unused indexes slow writes because', '  o Postgres keeps them.']],
  ])('with %s stays text', (_case, body) => {
    expect(load(...body)?.summary).toBe(`${body[0]} ${body[1]!.trim()}`);
  });
});
