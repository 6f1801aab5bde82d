import { describe, expect, it } from 'vitest';
import { BUSY_WEEK_ROLES, busyWeekCopy, SAMPLE_READERS } from './_fixtures.js';

/**
 * A reader of the plain text skims it by its marked headings: "== For CTO · 3 reads ==" over each
 * section, "== 7 more stories in this issue ==" over the headlines. The contents open the message,
 * so they are marked the same way, their count and reading time on the line under the heading.
 */

const SHAPES: { name: string; roles: string[]; config?: Record<string, unknown> }[] = [
  { name: 'one role', roles: ['CTO'] },
  { name: 'two roles', roles: ['CTO', 'Executive'], config: { sizeLimitKb: 400, sizeWarnKb: 300 } },
  { name: 'eight roles, cut to headlines', roles: BUSY_WEEK_ROLES },
];

describe('the plain text’s contents heading', () => {
  for (const shape of SHAPES)
    it(`${shape.name}: marked as the other headings are, its count under it`, async () => {
      const { text } = (await busyWeekCopy(shape.roles, shape.config)).personalise(SAMPLE_READERS[0]!);
      const lines = text.split('\n');
      const heading = lines.indexOf('== In this issue ==');
      expect(heading, text.slice(0, 800)).toBeGreaterThan(0);
      expect(lines[heading + 1]).toMatch(/^\d+ reads(, \d+ in full)? · about \d+ mins$/);
      // Every heading line of the message is marked alike: none is left bare.
      const headings = lines.filter((line) => /^(In this issue|For CTO · |\d+ more stories)/.test(line));
      expect(headings).toEqual([]);
      expect(lines.filter((line) => /^== .+ ==$/.test(line)).length).toBeGreaterThanOrEqual(1);
    });
});
