import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A Markdown file without frontmatter whose first heading names a section, not the article. */
const taxonomy = createTaxonomy([{ name: 'Software Engineer', aliases: [] }]);

function load(...lines: string[]) {
  return parseSummary([...lines, ''].join('\n'), 'queues.md', taxonomy);
}

describe('a Markdown file opening with a section heading', () => {
  it.each([
    ['# Summary', 'Summary'],
    ['# Key takeaway', 'Key takeaway'],
  ])('is refused for its missing title, not mailed titled "%s"', (heading, name) => {
    const { summary, problems } = load(
      heading,
      'Measure the age of the oldest item.',
      '',
      'Queues hide work.',
      '',
      'Best for: Software Engineer',
      'Link: https://example.com/queues',
    );
    expect(summary).toBeUndefined();
    expect(problems).toContainEqual(
      expect.objectContaining({ severity: 'error', field: 'title', line: 1, message: expect.stringContaining(name) }),
    );
  });

  it('still takes a title that only starts with such a word', () => {
    const { summary, problems } = load(
      '# Summary Statistics Lie',
      '',
      'Means hide the tail.',
      '',
      'Best for: Software Engineer',
      'Link: https://example.com/means',
    );
    expect(problems).toEqual([]);
    expect(summary?.title).toBe('Summary Statistics Lie');
    expect(summary?.summary).toBe('Means hide the tail.');
  });
});
