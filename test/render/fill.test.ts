import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { asIs, type FieldValues, joinParts } from '../../src/render/_personal.js';
import { createWeekLineCache } from '../../src/render/dates.js';
import { createTextLineFiller, fieldFiller, readerValues } from '../../src/render/fill.js';
import type { PersonalFields } from '../../src/render/types.js';
import { wrapLine } from '../../src/render/wrap.js';
import { fixtureProject } from './_fixtures.js';

/**
 * The per-reader fill works out once what readers share (wording per variant and language, date
 * lines per locale and zone, where a link line breaks per link width); every reader must still
 * get exactly what working it out from scratch gives.
 */

const project = fixtureProject({
  config: { urls: { archive: 'https://news.example/archive' } } as never,
});
const { summaries, manifest } = project.issue;
const order = effectiveRoleOrder(summaries, manifest.roleOrder);
const variants = [
  buildVariant(summaries, order, undefined),
  buildVariant(summaries, order, ['CTO']),
  buildVariant(summaries, order, ['Executive', 'CTO']),
];

const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('Ada Lovelace', 'Lovelace, Ada', 'Dr. Ada', ' ', '{roles}', '{email}', '$&', 'Zoë 😀'),
);
const reader: fc.Arbitrary<PersonalFields> = fc.record(
  {
    email: fc.oneof(fc.emailAddress(), fc.constantFrom('', 'a{roles}@x.example', 'ü@bü.example')),
    name: text,
    firstName: text,
    locale: fc.constantFrom('en', 'en-GB', 'de', 'de-DE', 'de-AT', 'fr-FR', 'xx', 'not a locale', ''),
    timezone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Pacific/Kiritimati', 'Mars/Base', ''),
    unsubscribeUrl: fc.webUrl(),
    preferencesUrl: fc.webUrl(),
    viewOnlineUrl: fc.webUrl(),
    sentAt: fc.date({ min: new Date('2026-01-01'), max: new Date('2027-01-01'), noInvalidDate: true }),
    // Chosen roles, some without content this week (the footer names those too).
    roles: fc.subarray(['CTO', 'Executive', 'Gardener', '{email}', 'Night Owl']),
  },
  { requiredKeys: ['email', 'unsubscribeUrl'] },
);

describe('reader field values', () => {
  it('match the values worked out from scratch for readers of many names, locales, zones and variants', () => {
    const dateLine = createWeekLineCache(manifest.date);
    // One filler for every reader, as in a send: whatever it keeps between readers must not leak.
    const fast = fieldFiller(project.config, project.issue.id, dateLine);
    const reference = readerValues(project.config, project.issue.id, dateLine);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(reader, fc.constantFrom(...variants), fc.constantFrom('en' as const, 'de' as const)), {
          minLength: 1,
          maxLength: 20,
        }),
        (readers) => {
          for (const [fields, variant, language] of readers) {
            expect(fast(fields, language, variant)).toEqual(reference(fields, language, variant));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("write a reader's date line in the list's locale when their language has no catalogue", () => {
    const fill = fieldFiller(project.config, project.issue.id, createWeekLineCache(manifest.date));
    const line = (locale: string) =>
      fill({ email: 'a@example.com', unsubscribeUrl: 'https://u.example/', locale }, 'en', variants[1]!).dateLine;
    expect(project.config.locale).toBe('en-GB');
    for (const locale of ['ja-JP', 'ar', 'zh-CN', 'en-US']) {
      if (locale === 'en-US') expect(line(locale)).not.toEqual(line('en-GB'));
      else expect(line(locale)).toEqual(line('en-GB'));
    }
  });

  it('word the "sent to" line around each reader’s own address', () => {
    const fill = fieldFiller(project.config, project.issue.id, createWeekLineCache(manifest.date));
    const fields = { email: 'ada@example.com', unsubscribeUrl: 'https://u.example/' };
    const other = { ...fields, email: 'grace@example.com' };
    expect(fill(fields, 'en', variants[1]!).sentTo).toContain('ada@example.com');
    expect(fill(other, 'en', variants[1]!).sentTo).toContain('grace@example.com');
    expect(fill(other, 'en', variants[1]!).sentTo).not.toContain('ada@');
  });
});

describe('text lines holding reader fields', () => {
  const literal = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('', ' ', 'Unsubscribe: ', 'Manage your preferences here: ', '- ', '  * ', '1', '12. ', '\t', '. x'),
    fc.string({ unit: 'grapheme', maxLength: 90 }),
    fc.constant(`${'word '.repeat(14)}`),
  );
  const value = fc.oneof(
    fc.webUrl(),
    fc.constantFrom('', 'x'.repeat(120), 'https://ü.example/😀😀/path', 'two words', 'tab\there', '\ue000x'),
    fc.string({ maxLength: 100 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
  );
  const names = ['unsubscribe', 'preferences', 'viewOnline'] as const;
  const line = fc
    .array(fc.tuple(fc.constantFrom(...names), literal), { minLength: 1, maxLength: 3 })
    .chain((fields) => literal.map((first) => [first, ...fields.flat()] as readonly string[]));

  it('wrap as the filled line would, for the same lines filled again and again', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(), value, value, value), { minLength: 1, maxLength: 30 }),
        (lines, readers) => {
          // One filler across readers, the same line objects each time: the cache is what is tested.
          const fill = createTextLineFiller((text) => wrapLine(text));
          for (const [pick, unsubscribe, preferences, viewOnline] of readers) {
            const parts = lines[pick % lines.length]!;
            const values = { unsubscribe, preferences, viewOnline } as FieldValues;
            expect(fill(parts, values)).toBe(wrapLine(joinParts(parts, values, asIs)));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('hang continuation lines under a list marker that a field completes', () => {
    const fill = createTextLineFiller((text) => wrapLine(text));
    const rest = `. ${'word '.repeat(20)}`;
    for (const [first, number] of [
      ['1', '2'],
      ['  ', '-'],
      ['', '3.'],
    ] as const) {
      const parts = [first, 'unsubscribe', rest];
      const values = { unsubscribe: number } as FieldValues;
      const expected = wrapLine(joinParts(parts, values, asIs));
      expect(fill(parts, values)).toBe(expected);
      expect(fill(parts, values)).toBe(expected);
    }
  });

  it('put each reader’s own link into a line wrapped once for links of that width', () => {
    let wraps = 0;
    const fill = createTextLineFiller((text) => {
      wraps++;
      return wrapLine(text);
    });
    const parts = ['Unsubscribe from this list at any time here: ', 'unsubscribe', ''];
    const link = (n: number) => `https://u.example/unsubscribe?token=${String(n).padStart(40, 'a')}`;
    for (let n = 0; n < 50; n++) {
      const values = { unsubscribe: link(n) } as FieldValues;
      expect(fill(parts, values)).toBe(`Unsubscribe from this list at any time here:\n${link(n)}`);
    }
    expect(wraps).toBe(1);
  });

  it('wrap a tracked link once though its role set’s click value is empty (a role set too small to name)', () => {
    let wraps = 0;
    const fill = createTextLineFiller((text) => {
      wraps++;
      return wrapLine(text);
    });
    const parts = [
      'Read the whole article: https://news.example/c/tok0123456789abcdef?v=',
      'clickVariant',
      '&d=',
      'sentAt',
      '',
    ];
    for (let n = 0; n < 50; n++) {
      const values = { clickVariant: '', sentAt: (1_800_000_000 + n).toString(36) } as FieldValues;
      expect(fill(parts, values)).toBe(wrapLine(joinParts(parts, values, asIs)));
    }
    expect(wraps).toBe(1);
  });
});
