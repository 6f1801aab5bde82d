import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = () =>
  createTaxonomy([
    { name: 'CTO', aliases: [] },
    { name: 'Executive', aliases: [] },
  ]);

const summary = (roles: string) =>
  `Pooling\n\nSummary\nTeams drown in alerts.\n\nKey takeaway\nDo less.\n\nBest for: ${roles}\n\nLink: https://example.com/a\n`;

describe('a role written with Cyrillic or Greek letters that look like Latin ones', () => {
  it('is read as the role it looks like, with the reason in the warning', () => {
    // "СТО": Cyrillic Es, Te, O; "Ехеcutive": Cyrillic Ie, Ha, Ie. "ΤΗΟ" in Greek looks like no role.
    for (const [written, meant] of [
      ['\u0421\u0422\u041e', 'CTO'],
      ['\u0415\u0445\u0435cutive', 'Executive'],
      ['\u03a4\u0397\u039f', undefined],
    ] as const) {
      const { problems } = parseSummary(summary(written), 'x.txt', taxonomy());
      const warning = problems.find((p) => p.field === 'roles');
      expect(warning?.line).toBe(9);
      if (meant === undefined) expect(warning?.message).toBe(`unknown role "${written}"`);
      else
        expect(warning?.message).toBe(
          `"${written}" is written with Cyrillic or Greek letters that look like Latin ones: it is read as ${meant}`,
        );
    }
  });

  it('is suggested as that role wherever a role is checked (issue.json, subscribers)', () => {
    expect(taxonomy().closest('\u0421\u0422\u041e')).toBe('CTO');
    expect(taxonomy().closest('\u03a4\u0397\u039f')).toBeUndefined();
  });
});
