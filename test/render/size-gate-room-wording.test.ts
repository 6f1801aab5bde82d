import { describe, expect, it } from 'vitest';
import { sizeProblems } from '../../src/render/size-problems.js';

/**
 * The size gate's room holds the footer's "Nothing this week for …" roles as well as the reader's
 * name and address: its message says what the room was counted for, so an editor reading "counting
 * 10.1 KB" knows where the 10 KB went.
 */
describe('the size gate’s message about its room for a reader', () => {
  it('names the roles with nothing this week beside the name and address', () => {
    const [problem] = sizeProblems(
      110 * 1024,
      { sizeLimitKb: 100, sizeWarnKb: 80 },
      { file: 'issue.json', variantId: 'cto' },
      10 * 1024,
    );
    expect(problem?.message).toContain(
      "counting 10.0 KB for a reader's own name, address and roles with nothing this week at their longest",
    );
  });
});
