import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * Headings a note app writes as quotes of their word alone ("> Summary", "> **Key takeaway**"),
 * each over its unquoted paragraph: each heads its section. Only a quote the text above leads into
 * ("…one word on its cover page:") is that text's quotation.
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('a quoted heading word over an unquoted paragraph', () => {
  it.each([
    [['> Summary', '', 'Cold data belongs on cheap disks.', '', '> Key takeaway', '', 'Move it after 30 days.']],
    [['> **Summary**', 'Cold data belongs on cheap disks.', '', '> **Key takeaway**', 'Move it after 30 days.']],
  ])('heads its section: %j', (body) => {
    const { summary, problems } = parseSummary(
      ['# Cold Storage', '', ...body, '', '## Best for', 'CTO', ''].join('\n'),
      'cold.md',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Cold data belongs on cheap disks.');
    expect(summary?.takeaway).toBe('Move it after 30 days.');
  });

  it('the text above leads into is quoted text of its section, as before', () => {
    const { summary } = parseSummary(
      [
        '# Index Bloat',
        '',
        '> Summary',
        '',
        'Unused indexes slow every write. Its cover page said:',
        '',
        '> Key takeaway',
        '',
        'and nothing else.',
        '',
        '## Best for',
        'CTO',
      ].join('\n'),
      'bloat.md',
      taxonomy,
    );
    expect(summary?.summary).toBe(
      'Unused indexes slow every write. Its cover page said:\n\nKey takeaway\n\nand nothing else.',
    );
    expect(summary?.takeaway).toBe('');
  });
});
