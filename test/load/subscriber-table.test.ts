import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject, subscriberTable, withSubscribers } from '../../src/load/project.js';
import { loadSubscribers, loadSubscriberTable } from '../../src/load/subscribers.js';
import { type Subscriber, SubscriberSchema } from '../../src/model/subscriber.js';
import { SubscriberTable } from '../../src/model/subscriber-table.js';
import { loadTaxonomy } from '../../src/roles/taxonomy.js';
import { EXAMPLE_ISSUE, REPO_ROOT, tempProject } from '../helpers/project.js';

const temp = await tempProject();
afterAll(() => temp.cleanup());
const taxonomy = await loadTaxonomy(join(REPO_ROOT, 'roles.yaml'));

const ROLE_SETS: string[][] = [
  [],
  ['CTO'],
  ['CTO', 'Executive'],
  ['Consultant'],
  ['AI Architect', 'Engineering Manager'],
];
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];
const LOCALES = ['en', 'de', 'en-GB', 'pt-BR', 'zh-Hant-TW', 'sr-Latn'];

/** Names as lists hold them: plain, accented, other scripts, astral characters, marks, one of each. */
const nameText = fc.oneof(
  fc.constantFrom('Ada Lovelace', 'Zoë Müller', 'Ольга', '李小龍', 'José 😀', 'e\u0301\u0301', 'x'.repeat(200), ''),
  fc
    .string({ unit: 'grapheme', maxLength: 40 })
    .map((text) => text.replace(/[\u0000-\u001f\u007f-\u009f\u0085\u2028\u2029]/g, '').trim()),
);
const localPart = fc
  .stringMatching(/^[a-z][a-z0-9.]{0,20}$/)
  .filter((text) => !text.endsWith('.') && !text.includes('..'));

/** A reader as the loader gives it back: optional fields either absent or present, shared role arrays. */
const reader = fc.record(
  {
    local: localPart,
    domain: fc.constantFrom('example.com', 'bücher.example', 'mail.example.org'),
    name: nameText,
    firstName: nameText,
    roles: fc.constantFrom(...ROLE_SETS),
    timezone: fc.constantFrom(...ZONES),
    locale: fc.constantFrom(...LOCALES),
    status: fc.constantFrom('active' as const, 'unsubscribed' as const),
  },
  { requiredKeys: ['local', 'domain', 'roles', 'status'] },
);

function subscriberOf(value: ReaderValue, index: number): Subscriber {
  const subscriber = { email: `${value.local}${index}@${value.domain}` } as Subscriber;
  if (value.name !== undefined) subscriber.name = value.name;
  if (value.firstName !== undefined) subscriber.firstName = value.firstName;
  subscriber.roles = value.roles;
  if (value.timezone !== undefined) subscriber.timezone = value.timezone;
  if (value.locale !== undefined) subscriber.locale = value.locale;
  subscriber.status = value.status;
  return subscriber;
}
type ReaderValue = typeof reader extends fc.Arbitrary<infer T> ? T : never;

/** Same readers, same fields in the same order, same values. */
function expectSame(actual: readonly Subscriber[], expected: readonly Subscriber[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((subscriber, index) => {
    expect(Object.keys(subscriber)).toEqual(Object.keys(expected[index]!));
    expect(subscriber).toStrictEqual(expected[index]);
  });
}

describe('the subscriber table', () => {
  it('gives back exactly the readers added, by position, by iteration and as an array', () => {
    fc.assert(
      fc.property(fc.array(reader, { maxLength: 60 }), (values) => {
        const readers = values.map(subscriberOf);
        const table = SubscriberTable.from(readers);
        expect(table.length).toBe(readers.length);
        expectSame(table.toArray(), readers);
        expectSame([...table], readers);
        readers.forEach((subscriber, index) => {
          expect(table.get(index)).toStrictEqual(subscriber);
          expect(table.email(index)).toBe(subscriber.email);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('keeps text UTF-8 cannot carry (a lone surrogate) as it was written', () => {
    const odd = [
      { email: 'a@example.com', name: 'Ada \ud800', roles: [], status: 'active' },
      { email: 'b@example.com', firstName: '\udc00Bo', roles: ['CTO'], status: 'active' },
      { email: 'c@example.com', name: 'Cy', roles: [], status: 'unsubscribed' },
    ] satisfies Subscriber[];
    expectSame(SubscriberTable.from(odd).toArray(), odd);
  });

  it('shares one roles array per role set, as the loader does', () => {
    const shared = ['CTO'];
    const table = SubscriberTable.from([
      { email: 'a@example.com', roles: shared, status: 'active' },
      { email: 'b@example.com', roles: shared, status: 'active' },
    ]);
    expect(table.get(0).roles).toBe(table.get(1).roles);
  });

  it('spans many text blocks and column chunks without mixing readers up', () => {
    const name = 'Ñame '.repeat(39);
    const readers: Subscriber[] = Array.from({ length: 70_000 }, (_, i) => ({
      email: `reader${i}@example.com`,
      name: `${name}${i}`,
      roles: ROLE_SETS[i % ROLE_SETS.length]!,
      ...(i % 3 === 0 ? { timezone: ZONES[i % ZONES.length]! } : {}),
      status: 'active',
    }));
    const table = SubscriberTable.from(readers);
    for (const index of [0, 1, 4095, 4096, 65_535, 65_536, 69_999])
      expect(table.get(index)).toStrictEqual(readers[index]);
    expect(table.toArray()).toStrictEqual(readers);
    expect(() => table.get(70_000)).toThrow(RangeError);
  });

  it('refuses a reader past its last text block rather than wrap an offset onto another reader', () => {
    const table = new SubscriberTable({ maxTextBlocks: 2 });
    const name = 'N'.repeat(200);
    const added: Subscriber[] = [];
    expect(() => {
      for (let i = 0; ; i++) {
        const reader: Subscriber = { email: `r${i}@example.com`, name: `${name}${i}`, roles: [], status: 'active' };
        table.push(reader);
        added.push(reader);
      }
    }).toThrow(/reader table is full/);
    expect(added.length).toBeGreaterThan(3000);
    expect(table.length).toBe(added.length);
    expect(table.toArray()).toStrictEqual(added);
  });

  it('names one reader per locale (none being one) for the render', () => {
    const table = SubscriberTable.from([
      { email: 'a@example.com', roles: [], locale: 'de', status: 'active' },
      { email: 'b@example.com', roles: [], status: 'active' },
      { email: 'c@example.com', roles: [], locale: 'de', status: 'active' },
      { email: 'd@example.com', roles: [], locale: 'en-GB', status: 'active' },
    ]);
    expect(table.localeSamples().map((s) => s.email)).toEqual(['a@example.com', 'b@example.com', 'd@example.com']);
  });
});

/** The list as a CSV file: a header, then one quoted row per reader. */
function csvOf(entries: Record<string, unknown>[]): string {
  const columns = ['email', 'name', 'firstName', 'roles', 'timezone', 'locale', 'status'];
  const cell = (value: unknown) =>
    value === undefined ? '' : `"${(Array.isArray(value) ? value.join('|') : String(value)).replace(/"/g, '""')}"`;
  return [columns.join(','), ...entries.map((entry) => columns.map((column) => cell(entry[column])).join(','))].join(
    '\n',
  );
}

describe('a list loaded as a table', () => {
  it('holds exactly the readers the schema takes from the file, JSON or CSV', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(reader, { minLength: 1, maxLength: 40 }), async (values) => {
        // Names with an edge space or none at all are written so that CSV and JSON mean the same.
        const entries = values.map((value, index) => {
          const entry: Record<string, unknown> = { ...subscriberOf(value, index) };
          for (const field of ['name', 'firstName'] as const) if (entry[field] === '') delete entry[field];
          return entry;
        });
        const expected = entries.map((entry) => SubscriberSchema.parse(entry));
        run++;
        const json = await temp.write(`list-${run}.json`, JSON.stringify({ subscribers: entries }, null, 1));
        const csv = await temp.write(`list-${run}.csv`, csvOf(entries));
        for (const file of [json, csv]) {
          const { table, problems } = await loadSubscriberTable(file, taxonomy);
          expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
          expectSame(table.toArray(), expected);
          // The array the loader gives holds the same readers.
          expectSame((await loadSubscribers(file, taxonomy)).subscribers, expected);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('still finds duplicates by canonical address and names their entry', async () => {
    const file = await temp.write(
      'duplicates.json',
      JSON.stringify([
        { email: 'Ada@Example.com', name: 'Ada' },
        { email: 'bo@example.com' },
        { email: 'ada@example.com', name: 'Ada again' },
      ]),
    );
    const { table, problems } = await loadSubscriberTable(file, taxonomy);
    expect(table.toArray().map((s) => s.email)).toEqual(['Ada@Example.com', 'bo@example.com']);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        field: '[2].email',
        message: 'duplicate of entry [0]; only the first is used',
      }),
    ]);
  });
});

describe('a loaded project', () => {
  const subscribersFile = join(REPO_ROOT, 'subscribers.example.json');

  it('keeps its readers as a table and gives the same readers as an array on request', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, subscribersFile, cwd: REPO_ROOT });
    const table = subscriberTable(project)!;
    expect(table).toBeInstanceOf(SubscriberTable);
    expect(subscriberTable(project)).toBe(table);
    expect(project.subscribers).toStrictEqual(table.toArray());
    expect(project.subscribers).toBe(project.subscribers);
    // Once made, the array holds the readers in the table's place.
    expect(subscriberTable(project)).not.toBe(table);
    expect(subscriberTable(project)!.toArray()).toStrictEqual(project.subscribers);
  });

  it('plans from readers assigned later, not the table loaded', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, subscribersFile, cwd: REPO_ROOT });
    const one = project.subscribers!.slice(0, 1);
    project.subscribers = one;
    expect(subscriberTable(project)!.toArray()).toStrictEqual(one);
  });

  it('is copied with other readers without making the array', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, subscribersFile, cwd: REPO_ROOT });
    const copy = withSubscribers(project, []);
    expect(copy.subscribers).toEqual([]);
    expect(copy.issue).toBe(project.issue);
    expect(subscriberTable(project)!.length).toBeGreaterThan(0);
  });
});
