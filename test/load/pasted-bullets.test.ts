import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Bullets as document editors paste them into a text summary. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('bullets pasted from document editors', () => {
  it.each(['●', '○', '■', '\uf0b7', '\uf0a7'])('reads "%s" as a list marker', (mark) => {
    const { summary, problems } = parseSummary(
      [
        'Design Docs',
        'Summary',
        'A design doc records a decision.',
        'Principles',
        `${mark} State the decision first.`,
        `${mark} List what was rejected.`,
        'Best for: CTO',
        '',
      ].join('\n'),
      'bullets.txt',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.principles).toEqual(['State the decision first.', 'List what was rejected.']);
  });
});
