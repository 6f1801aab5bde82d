import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * Note apps export a note's own properties above it ("Tags: …" then "Created: November 30, 2026
 * 9:12 AM"): the date line is the note's record, never a topic or a line of the summary.
 */
const taxonomy = createTaxonomy([{ name: 'Data Engineer', aliases: [] }]);

function load(file: string, ...lines: string[]) {
  return parseSummary([...lines, ''].join('\n'), file, taxonomy);
}

describe('a note app’s property line', () => {
  it.each([
    'Created: November 30, 2026 9:12 AM',
    'Last edited time: 2026-11-30 09:12',
    'Date added: Mon, 30 Nov 2026',
    'Updated: 2026-11-30T09:12Z',
  ])('"%s" under Notion’s Tags is no topic, and is named in a warning', (property) => {
    const { summary, problems } = load(
      'batch-slos.md',
      '# Batch Jobs Deserve SLOs Too',
      '',
      'Tags: Reliability, Data Pipelines',
      property,
      '',
      '## Summary',
      '',
      'Nightly jobs feed the dashboards finance reads first.',
      '',
      'Best for: Data Engineer',
      'Link: https://example.org/batch-slos',
    );
    expect(summary?.topics).toEqual(['Reliability', 'Data Pipelines']);
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', line: 4, message: expect.stringContaining('is left out') }),
    ]);
  });

  it('is a date alone: a sentence opening with the same word stays text', () => {
    const { summary, problems } = load(
      'batch-slos.txt',
      'Batch Jobs Deserve SLOs Too',
      '',
      'Summary',
      'Nightly jobs feed the dashboards finance reads first.',
      'Updated: 2026 decisions moved every job under one owner.',
      '',
      'Best for: Data Engineer',
      'Link: https://example.org/batch-slos',
    );
    expect(summary?.summary).toContain('Updated: 2026 decisions moved every job under one owner.');
    expect(problems).toEqual([]);
  });

  it('written with a full-width colon is named in its warning as written', () => {
    const { summary, problems } = load(
      'batch-slos.md',
      '# Batch Jobs Deserve SLOs Too',
      '',
      'Tags: Reliability',
      'Created：2026-11-30 09:12',
      '',
      '## Summary',
      '',
      'Nightly jobs feed the dashboards finance reads first.',
      '',
      'Best for: Data Engineer',
      'Link: https://example.org/batch-slos',
    );
    expect(summary?.topics).toEqual(['Reliability']);
    expect(problems).toEqual([expect.objectContaining({ line: 4, message: 'the note\'s "Created" line is left out' })]);
  });
});
