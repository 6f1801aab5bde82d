import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Two headings that are other names of one section ("Takeaway:" and "Why it matters"). */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('a section headed twice under different names', () => {
  it('names the section both headings open, and keeps both texts in it', () => {
    const text = [
      'Vendor Lock-In',
      'Summary',
      'Exit terms are priced.',
      'Takeaway:',
      'Read the exit terms first.',
      'Why it matters',
      'Leaving costs the most.',
      'Best for: CTO',
    ].join('\n');
    const { summary, problems } = parseSummary(text, 'lock-in.txt', taxonomy);
    expect(problems.map((p) => [p.line, p.field, p.message])).toEqual([
      [
        6,
        'takeaway',
        '"Why it matters" heads the Key takeaway section again (first on line 4); its text is added to that section',
      ],
    ]);
    expect(summary?.takeaway).toContain('Read the exit terms first.');
    expect(summary?.takeaway).toContain('Leaving costs the most.');
  });
});
