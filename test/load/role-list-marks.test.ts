import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Executive', aliases: [] },
  { name: 'VP of Engineering/Data', aliases: [] },
]);

describe('a "Best for:" line whose roles are parted by a bar or a dot, as a profile or a slide lists them', () => {
  it.each([
    'CTO | Executive | VP of Engineering/Data',
    'CTO · Executive · VP of Engineering/Data',
    'CTO • Executive • VP of Engineering/Data',
  ])('"%s" is one unknown role, and the warning says to part them with commas', (roles) => {
    const text = ['Warm Pools', 'Summary', 'Keep two warm.', `Best for: ${roles}`, ''].join('\n');
    const { summary, problems } = parseSummary(text, 'warm-pools.txt', taxonomy);
    expect(summary?.roles).toEqual([roles]);
    expect(problems.map(formatProblem)).toEqual([
      `warm-pools.txt:4: warning: roles: unknown role "${roles}" — roles are separated by commas only: write "CTO, Executive, VP of Engineering/Data"`,
    ]);
  });
});
