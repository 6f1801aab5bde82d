import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/errors.js';
import { isOverSizeLimit, isSizeProblem, sizeProblems } from '../../src/render/size-problems.js';

/**
 * A cut copy leaves out its whole copy's size problems (headline-cut.ts): they are told apart by
 * their kind, so a hint reworded (or lengthened, as for templates without headlines) neither brings
 * them back beside the cut copy's own nor drops another problem that ends in the same words.
 */
const where = { file: 'issue.json', variantId: 'cto' };
const limits = { sizeLimitKb: 100, sizeWarnKb: 80 };

describe('a size problem', () => {
  it.each([
    ['over the limit', 110],
    ['over the warning threshold', 90],
  ])('%s is one whatever its hint says', (_, kb) => {
    const [problem] = sizeProblems(kb * 1024, limits, where);
    expect(isSizeProblem({ ...problem!, hint: 'split the issue in two' })).toBe(true);
  });

  it('over the limit stays so with its hint lengthened', () => {
    const [problem] = sizeProblems(110 * 1024, limits, where);
    expect(isOverSizeLimit({ ...problem!, hint: `drop a summary; ${problem!.hint}` })).toBe(true);
  });

  it('is not any problem whose hint ends as a size warning’s does', () => {
    const other: Problem = {
      severity: 'warning',
      file: 'templates/digest.mjml.hbs',
      message: 'an inline image of 40 KB',
      hint: 'link it instead of inlining it, keep it under 100 KB: Gmail clips longer messages',
    };
    expect(isSizeProblem(other)).toBe(false);
  });
});
