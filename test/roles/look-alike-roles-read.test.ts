import { describe, expect, it } from 'vitest';
import { parseSubscribersCsv } from '../../src/load/subscribers.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = () =>
  createTaxonomy([
    { name: 'CTO', aliases: ['Chief Technology Officer'] },
    { name: 'Executive', aliases: ['CEO'] },
  ]);

const summary = (roles: string) =>
  `Pooling\n\nSummary\nTeams drown in alerts.\n\nKey takeaway\nDo less.\n\nBest for: ${roles}\n\nLink: https://example.com/a\n`;

// "СТО": Cyrillic Es, Te, O. "СЕО": Cyrillic Es, Ie, O. "ΤΗΟ": Greek Tau, Eta, Omicron (THO, no role).
const CYRILLIC_CTO = '\u0421\u0422\u041e';
const CYRILLIC_CEO = '\u0421\u0415\u041e';
const GREEK_THO = '\u03a4\u0397\u039f';

describe('a role typed with Cyrillic or Greek letters that look like Latin ones', () => {
  it("is read in a summary as the role its letters look like, so the story reaches that role's readers", () => {
    const { summary: read, problems } = parseSummary(summary(`${CYRILLIC_CTO}, ${CYRILLIC_CEO}`), 'x.txt', taxonomy());
    expect(read?.roles).toEqual(['CTO', 'Executive']);
    expect(problems.map((p) => [p.severity, p.line, p.field, p.message, p.hint])).toEqual([
      [
        'warning',
        9,
        'roles',
        `"${CYRILLIC_CTO}" is written with Cyrillic or Greek letters that look like Latin ones: it is read as CTO`,
        'retype it in Latin letters as CTO',
      ],
      [
        'warning',
        9,
        'roles',
        `"${CYRILLIC_CEO}" is written with Cyrillic or Greek letters that look like Latin ones: it is read as Executive`,
        'retype it in Latin letters as Executive',
      ],
    ]);
  });

  it("is read in a reader's roles cell as that role, so the reader gets its stories", () => {
    const csv = `email,roles\nann@example.com,${CYRILLIC_CTO}\nbob@example.com,${CYRILLIC_CTO}|CEO\n`;
    const { subscribers, problems } = parseSubscribersCsv(csv, 'readers.csv', taxonomy());
    expect(subscribers.map((s) => s.roles)).toEqual([['CTO'], ['CTO', 'Executive']]);
    expect(problems.map((p) => [p.line, p.message, p.hint])).toEqual([
      [
        2,
        `"${CYRILLIC_CTO}" is written with Cyrillic or Greek letters that look like Latin ones: it is read as CTO (2 subscribers)`,
        'retype it in Latin letters as CTO',
      ],
    ]);
  });

  it('stays unknown, with its warning, when its Latin letters name no role', () => {
    const { summary: read, problems } = parseSummary(summary(GREEK_THO), 'x.txt', taxonomy());
    expect(read?.roles).toEqual([GREEK_THO]);
    expect(problems.map((p) => p.message)).toEqual([`unknown role "${GREEK_THO}"`]);
  });

  it('leaves a role the roles file itself writes in those letters as written', () => {
    const own = createTaxonomy([
      { name: 'CTO', aliases: [] },
      { name: CYRILLIC_CTO, aliases: [] },
    ]);
    expect(own.lookup(CYRILLIC_CTO)).toBe(CYRILLIC_CTO);
    expect(own.lookAlikeOf?.(CYRILLIC_CTO)).toBeUndefined();
  });
});
