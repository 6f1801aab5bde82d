import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Markdown without frontmatter as note apps export it: a `# Title`, then the summary's prose. */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Data Engineer', aliases: [] },
]);

function load(...lines: string[]) {
  return parseSummary([...lines, ''].join('\n'), 'boring-databases.md', taxonomy);
}

describe('a Markdown file without frontmatter opening with a title heading', () => {
  it('reads the prose under "# Title" as the summary', () => {
    const { summary, problems } = load(
      '# The Case for *Boring* Databases',
      '',
      'Most teams do not need a distributed database.',
      '',
      'One well-tuned server carries more than they will see.',
      '',
      'Best for: CTO, Data Engineer',
      'Link: https://example.com/boring',
    );
    expect(problems).toEqual([]);
    expect(summary?.title).toBe('The Case for Boring Databases');
    expect(summary?.summary).toBe(
      'Most teams do not need a distributed database.\n\nOne well-tuned server carries more than they will see.',
    );
    expect(summary?.roles).toEqual(['CTO', 'Data Engineer']);
    expect(summary?.url).toBe('https://example.com/boring');
  });

  it('reads it with other sections below, and a title underlined with ===', () => {
    const { summary, problems } = load(
      'Boring Databases',
      '================',
      'Most teams do not need a distributed database.',
      '## Key takeaway',
      'Try the database you run already.',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.title).toBe('Boring Databases');
    expect(summary?.summary).toBe('Most teams do not need a distributed database.');
    expect(summary?.takeaway).toBe('Try the database you run already.');
  });

  it('still reads a "## Summary" section as the summary, and the prose above it is warned about', () => {
    const { summary, problems } = load(
      '# Boring Databases',
      'An aside.',
      '## Summary',
      'Use one server.',
      'Best for: CTO',
    );
    expect(summary?.summary).toBe('Use one server.');
    expect(problems.map((p) => [p.line, p.message])).toEqual([[2, 'text outside any section is ignored']]);
  });

  it('still refuses a file with a title and no text, naming what to add', () => {
    const { summary, problems } = load('# Boring Databases', '', 'Best for: CTO');
    expect(summary).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ severity: 'error', field: 'summary' })]);
  });
});
