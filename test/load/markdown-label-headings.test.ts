import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** `## Best for` and `## Source` as headings, the way Notion and other editors lay a page out. */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Product Manager', aliases: [] },
  { name: 'Executive', aliases: [] },
]);

function load(...lines: string[]) {
  return parseSummary([...lines, ''].join('\n'), 'search.md', taxonomy);
}

describe('a roles heading in a Markdown summary', () => {
  it('reads the list under "## Best for" as the roles', () => {
    const { summary, problems } = load(
      '# Build or Buy Search',
      '## Summary',
      'Hosted search is cheaper until relevance matters.',
      '## Best for',
      '- CTO',
      '- Product Manager',
      '',
      'Read the original post.',
    );
    expect(summary?.roles).toEqual(['CTO', 'Product Manager']);
    // The line below the list is not a role: it is warned about as text outside any section.
    expect(problems.map((p) => [p.line, p.field])).toEqual([[8, 'text']]);
  });

  it('reads a line of roles under "## Audience", and "## Source" over one line, in a file with frontmatter', () => {
    const { summary, problems } = parseSummary(
      [
        '---',
        'title: Roadmaps Are Not Promises',
        '---',
        '## Summary',
        'A roadmap shows direction.',
        '## Audience',
        '',
        'Product Manager, Executive',
        '## Source',
        'Example Search Journal',
        '',
      ].join('\n'),
      'roadmaps.md',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.roles).toEqual(['Product Manager', 'Executive']);
    expect(summary?.source).toBe('Example Search Journal');
  });

  it('says so on its line when the heading names no role', () => {
    const { summary, problems } = load('# Search', '## Summary', 'Text.', '## Best for', '');
    expect(summary).toBeUndefined();
    expect(problems).toContainEqual(expect.objectContaining({ severity: 'error', field: 'roles', line: 4 }));
  });
});
