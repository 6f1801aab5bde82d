import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A job title written with a comma on a "Best for:" line ("VP, Engineering"), as titles are on business cards. */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'VP of Engineering/Data', aliases: ['VP Engineering'] },
  { name: 'Engineering Manager', aliases: [] },
]);
const parse = (bestFor: string) =>
  parseSummary(`Platform Costs\nSummary\nCount the whole bill.\nBest for: ${bestFor}\n`, 'costs.txt', taxonomy);

describe('a job title written with a comma', () => {
  it('is the role its words name, with a warning, not two unknown roles', () => {
    const { summary, problems } = parse('CTO, VP, Engineering, Engineering Manager');
    expect(summary?.roles).toEqual(['CTO', 'VP of Engineering/Data', 'Engineering Manager']);
    expect(problems.map((p) => [p.line, p.message, p.hint])).toEqual([
      [
        4,
        '"VP, Engineering" is read as one role, VP of Engineering/Data',
        'write "VP Engineering" without the comma, or separate two roles by a comma only when each is a role',
      ],
    ]);
  });

  it('keeps two known roles apart, and unknown halves that name nothing together', () => {
    expect(parse('CTO, Engineering Manager').summary?.roles).toEqual(['CTO', 'Engineering Manager']);
    const { summary, problems } = parse('VP, Sales');
    expect(summary?.roles).toEqual(['VP', 'Sales']);
    expect(problems.map((p) => p.message)).toEqual(['unknown role "VP"', 'unknown role "Sales"']);
  });
});
