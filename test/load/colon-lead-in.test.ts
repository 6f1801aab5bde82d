import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A short line ending in a colon after a blank line: a sentence leading into what follows, unless it is a known heading. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const parse = (...lines: string[]) => parseSummary(`${lines.join('\n')}\n`, 'lead-in.txt', taxonomy);

describe('a short line ending in a colon', () => {
  it('keeps a lead-in sentence and the sentence under it in the summary', () => {
    const { summary, problems } = parse(
      'Shorter Standups',
      'Summary',
      'Standups grew to forty minutes.',
      '',
      'The fix was simple:',
      'Each person speaks for one minute.',
      'Key takeaway',
      'Time-box the standup.',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(
      'Standups grew to forty minutes.\n\nThe fix was simple: Each person speaks for one minute.',
    );
    expect(summary?.takeaway).toBe('Time-box the standup.');
  });

  it('keeps a lead-in and the list under it', () => {
    const { summary, problems } = parse(
      'Cloud Spend',
      'Summary',
      'The author names three levers.',
      '',
      'They are:',
      '- Rightsizing.',
      '- Commitments.',
      'Best for: CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('The author names three levers.\n\nThey are:\n\nRightsizing.\n\nCommitments.');
  });

  it('still reads a known heading, or a near miss of one, written with a colon', () => {
    const { summary, problems } = parse(
      'Headings',
      'Summary',
      'A paragraph.',
      '',
      'Principals:',
      '- One',
      '',
      'Key takeaway:',
      'Do it.',
      'Best for: CTO',
    );
    expect(summary?.principles).toEqual(['One']);
    expect(summary?.takeaway).toBe('Do it.');
    expect(problems.map((p) => p.message)).toEqual(['unknown heading "Principals", read as "Principles"']);
  });

  it('still ignores, with a warning, an unknown heading without a colon or marked with #', () => {
    const { summary, problems } = parse(
      'Headings',
      'Summary',
      'A paragraph.',
      '',
      '## Further reading:',
      'Elsewhere.',
      'Best for: CTO',
    );
    expect(summary?.summary).toBe('A paragraph.');
    expect(problems.map((p) => p.message)).toEqual(['unknown heading "Further reading"; its content is ignored']);
  });
});

describe('a line ending in a colon that heads a note for the editors', () => {
  it.each([['Editor notes:'], ["Editor's notes:"], ['Notes:'], ['TODO:'], ['Internal:'], ['Sources:']])(
    'is left out with what it heads, as an unknown heading (%s)',
    (heading) => {
      const { summary, problems } = parse(
        'Shorter Standups',
        'Summary',
        'Standups grew to forty minutes.',
        '',
        heading,
        'Hold until legal signs off; ask ann@example.com first.',
        'Key takeaway',
        'Time-box the standup.',
        'Best for: CTO',
      );
      expect(summary?.summary).toBe('Standups grew to forty minutes.');
      expect(summary?.takeaway).toBe('Time-box the standup.');
      expect(problems).toEqual([
        expect.objectContaining({ severity: 'warning', field: 'heading', message: expect.stringContaining('ignored') }),
      ]);
    },
  );

  it('in a list section, is no item: what it heads is left out', () => {
    const { summary, problems } = parse(
      'Shorter Standups',
      'Summary',
      'Standups grew to forty minutes.',
      'Principles',
      '- Time-box it.',
      '- Stand up.',
      '',
      'They said:',
      '- https://example.com/standups',
      'Best for: CTO',
    );
    expect(summary?.principles).toEqual(['Time-box it.', 'Stand up.']);
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', field: 'heading' })]);
  });
});
