import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** "ML Engineers & Data Scientists" in a Best for line or a roles list, as editors write an audience. */
const taxonomy = createTaxonomy([
  { name: 'ML Engineer', aliases: [] },
  { name: 'Data Scientist', aliases: [] },
  { name: 'Data Engineer', aliases: [] },
  { name: 'R&D Lead', aliases: [] },
]);

function text(bestFor: string) {
  return parseSummary(`Contracts\nSummary\nText.\nBest for: ${bestFor}\n`, 'contracts.txt', taxonomy);
}

describe('two roles joined with "&"', () => {
  it('are both read, with a warning saying to write a comma', () => {
    const { summary, problems } = text('Data Engineer, ML Engineers & Data Scientists');
    expect(summary?.roles).toEqual(['Data Engineer', 'ML Engineer', 'Data Scientist']);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 4,
        field: 'roles',
        hint: 'separate roles with commas: write "ML Engineer, Data Scientist"',
      }),
    ]);
  });

  it('are read in a JSON roles list too', () => {
    const { summary } = parseSummary(
      JSON.stringify({ title: 'T', summary: 'S', roles: ['ML Engineer & Data Scientist'] }),
      'contracts.json',
      taxonomy,
    );
    expect(summary?.roles).toEqual(['ML Engineer', 'Data Scientist']);
  });

  it('leave a role the taxonomy knows by its name, and one whose parts it does not know', () => {
    expect(text('R&D Lead').problems).toEqual([]);
    const { summary, problems } = text('Data Engineer & Friends');
    expect(summary?.roles).toEqual(['Data Engineer & Friends']);
    expect(problems).toEqual([expect.objectContaining({ message: 'unknown role "Data Engineer & Friends"' })]);
  });
});
