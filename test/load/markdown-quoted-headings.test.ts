import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A section heading inside a blockquote, as note apps and chat tools export one. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...body: string[]) {
  const { summary, problems } = parseSummary(
    ['# Tiered Storage Pays Back', '', ...body, '', '## Best for', 'CTO', ''].join('\n'),
    'quoted.md',
    taxonomy,
  );
  return { summary, problems };
}

describe('a heading opening a blockquote in a Markdown summary', () => {
  it.each([
    [['> **Summary**: Cold data belongs on cheap disks.']],
    [['> **Summary**', '> Cold data belongs on cheap disks.']],
    [['> [!summary] Summary', '> Cold data belongs on cheap disks.']],
    [['> [!summary]', '> Cold data belongs on cheap disks.']],
    [['> [!abstract]- Summary', '> Cold data belongs on cheap disks.']],
  ])('%j is that heading, not words in front of the text', (body) => {
    const { summary, problems } = load(...body);
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Cold data belongs on cheap disks.');
  });

  it('reads a callout titled with another section as that section', () => {
    const { summary, problems } = load(
      '> [!summary] Summary',
      '> Cold data belongs on cheap disks.',
      '',
      '> [!tip] Key takeaway',
      '> Move what nobody read last month.',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Cold data belongs on cheap disks.');
    expect(summary?.takeaway).toBe('Move what nobody read last month.');
  });

  it('keeps a callout titled with other words as its title and text', () => {
    const { summary } = load('> [!note] The gist', '> Cold data belongs on cheap disks.');
    expect(summary?.summary).toBe('The gist Cold data belongs on cheap disks.');
  });

  it('keeps a quotation whose later line starts like a heading as the quotation', () => {
    const { summary } = load('> Storage is cheap until it is not.', '> Summary: move cold data.');
    expect(summary?.summary).toBe('Storage is cheap until it is not. Summary: move cold data.');
  });
});
