import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A blockquote quoting a heading's word alone ("> Summary"), with no quoted text under it. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...lines: string[]) {
  return parseSummary(lines.join('\n'), 'quoted.md', taxonomy);
}

describe('a quote of a heading word alone', () => {
  it('stays text in its section, not an empty section taking the text after it', () => {
    const { summary, problems } = load(
      '---',
      'title: Index Bloat',
      'roles: [CTO]',
      '---',
      '## Summary',
      'Unused indexes slow every write.',
      '',
      '## Key takeaway',
      'The old runbook had one word on its cover page:',
      '',
      '> Summary',
      '',
      'and nothing else.',
      '',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Unused indexes slow every write.');
    expect(summary?.takeaway).toBe('The old runbook had one word on its cover page:\n\nSummary\n\nand nothing else.');
  });

  it('in a body without sections keeps the paragraph above it', () => {
    const { summary, problems } = load(
      '# Index Bloat',
      '',
      'Unused indexes slow every write. The old runbook said only:',
      '',
      '> Summary',
      '',
      'and stopped there.',
      '',
      '## Best for',
      'CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(
      'Unused indexes slow every write. The old runbook said only:\n\nSummary\n\nand stopped there.',
    );
  });

  it.each([
    [['> **Summary**', '> Cold data belongs on cheap disks.']],
    [['> Summary: Cold data belongs on cheap disks.']],
    [['> [!summary] Summary', '> Cold data belongs on cheap disks.']],
  ])('over quoted text, or with its text after a colon, is still the heading: %j', (quote) => {
    const { summary } = load('# Cold Storage', '', ...quote, '', '## Best for', 'CTO');
    expect(summary?.summary).toBe('Cold data belongs on cheap disks.');
  });
});
