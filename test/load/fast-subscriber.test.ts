import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastSubscriber } from '../../src/load/_subscriber-fast.js';
import { LIMITS } from '../../src/load/limits.js';
import { SubscriberSchema } from '../../src/model/subscriber.js';
import { hostileChar, hostileText, ODD_KEYS, subscriberEntry } from '../fuzz/_inputs.js';

/**
 * The fast check in front of the subscriber schema must take only what the schema takes, and give
 * back exactly what the schema gives: same fields, in the same order, with the same values.
 */
function agrees(entry: unknown): boolean {
  const fast = fastSubscriber(entry);
  if (fast === undefined) return false;
  const judged = SubscriberSchema.safeParse(entry);
  expect(judged.success, `the fast check took ${String(JSON.stringify(entry))?.slice(0, 200)}`).toBe(true);
  expect(Object.keys(fast)).toEqual(Object.keys(judged.data!));
  expect(fast).toStrictEqual(judged.data);
  return true;
}

const goodEmail = fc.constantFrom(
  'a@example.com',
  'reader12@bench.example',
  ' A.B@Example.COM ',
  'üser@bücher.example',
);
const oddEmail = fc.oneof(
  fc.constantFrom(
    'a@example.com\u0000',
    '\u200ba@example.com',
    'a\r\nBcc: x@example.com',
    'a@@example.com',
    '@example.com',
    'a@',
    '"a b"@example.com',
    'a@example',
    'a@-example.com',
    'a@example.123',
    '',
    ' ',
    '__proto__@example.com',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(64)}.com`,
    `a@${'b.'.repeat(130)}com`,
  ),
  fc.emailAddress(),
  hostileText,
  hostileText.map((text) => `${text}@example.com`),
);
const name = fc.oneof(
  fc.constantFrom('Ada Lovelace', '  Ada  ', 'Zoë', '', ' ', '\tAda\t'),
  hostileText,
  hostileChar.map((char) => `Ada${char}Lovelace`),
  fc.integer({ min: LIMITS.nameLength - 2, max: LIMITS.nameLength + 2 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: LIMITS.nameLength - 2, max: LIMITS.nameLength + 2 }).map((n) => ` ${'x'.repeat(n)} `),
  fc.constant('y'.repeat(100_000)),
);
const role = fc.oneof(
  fc.constantFrom('CTO', ' Executive ', '', '   ', 'a\u0000b', 'ML Engineer'),
  hostileText,
  fc.integer({ min: LIMITS.roleLength - 1, max: LIMITS.roleLength + 1 }).map((n) => 'r'.repeat(n)),
  fc.integer({ min: LIMITS.roleLength - 1, max: LIMITS.roleLength + 1 }).map((n) => ` ${'r'.repeat(n)}`),
);
const roles = fc.oneof(
  { weight: 6, arbitrary: fc.array(role, { maxLength: 5 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: LIMITS.rolesPerSubscriber - 1, max: LIMITS.rolesPerSubscriber + 1 })
      .map((n) => Array.from({ length: n }, () => 'CTO')),
  },
  { weight: 1, arbitrary: fc.array(fc.oneof(role, fc.integer(), fc.constant(null)), { maxLength: 3 }) },
  // A hole reads as undefined, as in `[ , "CTO"]` built by hand.
  { weight: 1, arbitrary: fc.constant(Object.assign(new Array<string>(2), { 1: 'CTO' })) },
);
const timezone = fc.constantFrom('Europe/Berlin', 'UTC', 'Mars/Olympus', '', 'europe/berlin', '+01:00', 'Etc/GMT+14');
const locale = fc.oneof(
  fc.constantFrom('en-GB', 'de', 'x', 'en_GB', 'zh-Hant-TW', '', 'EN', 'de-\n', `en${'-abcdefgh'.repeat(4)}`),
  fc.integer({ min: 33, max: 37 }).map((n) => `en-${'a1b2c3d4'.repeat(5)}`.slice(0, n)),
);
const status = fc.constantFrom('active', 'unsubscribed', 'Active', ' active', 'paused', '');
const wrongType = fc.oneof(
  fc.constantFrom(null, true, 0, 1.5, Number.NaN, [], {}, ['a@example.com'], { toString: 'x' }),
  fc.constant(undefined),
);

const ABSENT = Symbol('absent');
/** A field that is mostly missing or right, and at times odd or of the wrong type. */
const field = (good: fc.Arbitrary<unknown>, odd: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(ABSENT) },
    { weight: 6, arbitrary: good },
    { weight: 1, arbitrary: odd },
    { weight: 1, arbitrary: wrongType },
  );

/** Entries close to valid: each field may be right, odd, of the wrong type, or missing. */
const nearValid = fc
  .record({
    email: fc.oneof({ weight: 8, arbitrary: goodEmail }, { weight: 2, arbitrary: oddEmail }, wrongType),
    name: field(fc.constantFrom('Ada Lovelace', 'Zoë', '  Ada  '), name),
    firstName: field(fc.constantFrom('Ada', ' Zoë'), name),
    roles: field(fc.array(fc.constantFrom('CTO', ' Executive'), { maxLength: 3 }), roles),
    timezone: field(fc.constantFrom('Europe/Berlin', 'UTC'), timezone),
    locale: field(fc.constantFrom('en-GB', 'de'), locale),
    status: field(fc.constantFrom('active', 'unsubscribed'), status),
    extra: fc.oneof(
      { weight: 6, arbitrary: fc.constant(ABSENT) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ODD_KEYS), fc.oneof(fc.string(), wrongType)) },
    ),
    how: fc.constantFrom('own', 'own', 'own', 'own', 'own', 'own', 'inherited', 'no prototype', 'date'),
  })
  .map(({ how, ...fields }) => build(fields, how));

/** An entry as a JSON reader or the CSV reader makes it: own data properties, `__proto__` included. */
function build(fields: Record<string, unknown>, how: string): object {
  const { extra, ...known } = fields as { extra: [string, unknown] | typeof ABSENT } & Record<string, unknown>;
  const entry: object =
    how === 'no prototype'
      ? Object.create(null)
      : how === 'date'
        ? new Date(0)
        : how === 'inherited'
          ? Object.create({ name: 'Inherited' })
          : {};
  const define = (key: string, value: unknown) =>
    Object.defineProperty(entry, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of Object.entries(known)) if (value !== ABSENT) define(key, value);
  if (extra !== ABSENT) define(extra[0], extra[1]);
  return entry;
}

describe('the fast subscriber check', () => {
  it('takes the entries lists are made of, giving what the schema gives', () => {
    const entries = [
      { email: 'reader1@bench.example', name: 'Reader 1', roles: ['CTO'], status: 'active' },
      { email: 'reader2@bench.example', roles: ['Data Scientist', 'Product Manager'], status: 'unsubscribed' },
      { email: ' A@Example.COM ', name: ' Zoë ', firstName: 'Zoë', roles: [' CTO '], timezone: 'UTC', locale: 'de' },
      { email: 'a@example.com' },
      JSON.parse('{"email": "b@example.com", "roles": [], "locale": "en-GB", "timezone": "Europe/Berlin"}'),
    ];
    for (const entry of entries) expect(agrees(entry), JSON.stringify(entry)).toBe(true);
  });

  it('leaves to the schema what it does not know: unknown keys, __proto__, holes, odd prototypes', () => {
    const odd = [
      JSON.parse('{"email": "a@example.com", "__proto__": {"roles": ["CTO"]}}'),
      { email: 'a@example.com', nickname: 'A' },
      { email: 'a@example.com', name: undefined },
      { email: 'a@example.com', roles: Object.assign(new Array<string>(2), { 1: 'CTO' }) },
      Object.create({ email: 'a@example.com' }),
      Object.assign(Object.create({ name: 'Inherited' }), { email: 'a@example.com' }),
      Object.assign(Object.create(null), { email: 'a@example.com' }),
      { email: 'a@example.com', status: 'Active' },
    ];
    for (const entry of odd) expect(fastSubscriber(entry)).toBeUndefined();
  });

  it('never takes what the schema refuses, nor returns anything else (near-valid entries)', () => {
    let taken = 0;
    fc.assert(
      fc.property(nearValid, (entry) => {
        if (agrees(entry)) taken++;
      }),
      { numRuns: 3000 },
    );
    // Many cases must reach the comparison, or the property proves nothing.
    expect(taken).toBeGreaterThan(50);
  });

  it('never takes what the schema refuses, nor returns anything else (fuzzed list entries)', () => {
    fc.assert(
      fc.property(subscriberEntry, (text) => {
        let entry: unknown;
        try {
          entry = JSON.parse(text);
        } catch {
          return;
        }
        agrees(entry);
      }),
      { numRuns: 2000 },
    );
  });
});

it('spells a zone as the zone database does, on either path, so one zone is one wave', () => {
  const entry = { email: 'a@example.com', roles: ['CTO'], timezone: 'europe/BERLIN' };
  expect(fastSubscriber(entry)?.timezone).toBe('Europe/Berlin');
  expect(SubscriberSchema.parse(entry).timezone).toBe('Europe/Berlin');
  // A link this Node lists under another name keeps the name written.
  expect(SubscriberSchema.parse({ ...entry, timezone: 'Asia/Kolkata' }).timezone).toBe('Asia/Kolkata');
});
