import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const PIECES = [
  'Summary',
  'Key takeaway',
  'Best for: CTO',
  'Best for:',
  '- x',
  '* y',
  '',
  '   ',
  'Title',
  '---',
  'title: a',
  'Topics: a, b',
  '\u0000',
  '"',
  '{',
  '}',
  'Link: javascript:alert(1)',
  'Link: https://example.com/a',
  'Original article published by X.',
  'Related on Y',
  'Ünïcode “quotes”',
  '# Heading',
  '1. one',
  'Principles',
];

/** Small deterministic PRNG so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('the loader on arbitrary input', () => {
  it('never throws: it returns a valid summary or at least one error, in every format and line ending', () => {
    const next = random(48);
    for (let i = 0; i < 3000; i++) {
      const lines = Array.from({ length: Math.floor(next() * 14) }, () => PIECES[Math.floor(next() * PIECES.length)]);
      const text = lines.join(['\n', '\r\n', '\r'][i % 3]);
      for (const file of ['a.txt', 'a.md', 'a.json']) {
        const { summary, problems } = parseSummary(text, file, taxonomy);
        const context = `${file}: ${JSON.stringify(text)}`;
        if (summary) {
          expect(summary.title, context).not.toBe('');
          expect(summary.roles.length, context).toBeGreaterThan(0);
          if (summary.url) expect(summary.url, context).toMatch(/^(https?:\/\/|mailto:)/);
        } else {
          expect(
            problems.some((p) => p.severity === 'error'),
            context,
          ).toBe(true);
        }
      }
    }
  });
});
