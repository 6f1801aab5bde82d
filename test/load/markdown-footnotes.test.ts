import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Markdown footnotes ("…cold starts.[^1]" and "[^1]: …"): neither mark nor footnote reaches readers. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('a Markdown footnote', () => {
  it('is left out with its mark, with a warning at the footnote', () => {
    const { summary, problems } = parseSummary(
      [
        '---',
        'title: Warm Pools',
        'roles: [CTO]',
        '---',
        'Warm workers end cold starts.[^1] Keep one pool per region.',
        '',
        '[^1]: Measured on Lambda in eu-west-1.',
        '',
      ].join('\n'),
      'pools.md',
      taxonomy,
    );
    expect(summary?.summary).toBe('Warm workers end cold starts. Keep one pool per region.');
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^pools\.md:7: warning: text: is a footnote, which readers are not shown/),
    ]);
  });

  it('in a code span is text as written', () => {
    const { summary } = parseSummary(
      ['# Warm Pools', '', 'Write `[^1]` for a footnote.', '', '## Best for', 'CTO', ''].join('\n'),
      'pools.md',
      taxonomy,
    );
    expect(summary?.summary).toBe('Write [^1] for a footnote.');
  });
});
