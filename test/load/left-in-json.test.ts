import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadSubscribers, parseSubscribers, readSubscriberStream } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A JSON list whose entries say a reader left ("unsubscribed": true, Ghost's
 * "subscribed_to_emails": false, "Abgemeldet": "ja") is read as the same CSV columns are: a
 * provider's field rolecast reads makes the reader unsubscribed, and any other is an error naming
 * the file, line and entry, so the reader who left is never mailed. Read whole or streamed alike.
 */

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

let project: TempProject;
beforeAll(async () => {
  project = await tempProject();
});
afterAll(() => project.cleanup());

/** The list read every way a JSON list is read: whole, streamed from bytes, and from its file. */
async function readEveryWay(text: string) {
  const whole = parseSubscribers(text, 'subscribers.json', taxonomy);
  const streamed = await readSubscriberStream(
    Readable.from([Buffer.from(text)]),
    'subscribers.json',
    taxonomy,
    async () => text,
  );
  const file = await project.write('subscribers.json', text);
  const loaded = await loadSubscribers(file, taxonomy);
  const shown = (result: typeof whole) => ({
    problems: result.problems.map(formatProblem).map((line) => line.replace(file, 'subscribers.json')),
    readers: result.subscribers.map((s) => [s.email, s.status]),
  });
  expect(shown(streamed)).toEqual(shown(whole));
  expect(shown(loaded)).toEqual(shown(whole));
  return shown(whole);
}

const list = (...extra: Record<string, unknown>[]) =>
  `[\n${[{}, ...extra].map((fields, index) => `  ${JSON.stringify({ email: `r${index}@example.com`, roles: ['CTO'], ...fields })}`).join(',\n')}\n]\n`;

const errors = (problems: string[]) => problems.filter((line) => !/^\S+ warning: /.test(line));

describe('a JSON subscriber entry saying the reader left', () => {
  it.each([
    [{ unsubscribed: true }, 'unsubscribed'],
    [{ Unsubscribed: 'yes' }, 'Unsubscribed'],
    [{ opt_out: 1 }, 'opt_out'],
    [{ 'Email Opt Out': true }, 'Email Opt Out'],
    [{ HasOptedOutOfEmail: true }, 'HasOptedOutOfEmail'],
    [{ Abgemeldet: 'ja' }, 'Abgemeldet'],
    [{ Désabonné: 'oui' }, 'Désabonné'],
    [{ Statut: 'désinscrit' }, 'Statut'],
    [{ subscription: 'Unsubscribed' }, 'subscription'],
    [JSON.parse('{"__proto__": "unsubscribed"}'), '__proto__'],
  ])('%j is refused at its line, naming the entry and field', async (fields, field) => {
    const text = `[\n  { "email": "stay@example.com", "roles": ["CTO"] },\n  ${JSON.stringify({ email: 'left@example.com', roles: ['CTO'] }).slice(0, -1)},\n    ${JSON.stringify(fields).slice(1)}\n]\n`;
    const { problems } = await readEveryWay(text);
    expect(errors(problems)).toEqual([
      expect.stringMatching(
        new RegExp(`^subscribers\\.json:4: \\[1\\]\\.${field}: says .*the reader would be mailed — add a status field`),
      ),
    ]);
  });

  it('is refused beside a status of active, and read beside a status of unsubscribed', async () => {
    const refused = await readEveryWay(list({ status: 'active', unsubscribed: true }));
    expect(errors(refused.problems)).toEqual([
      expect.stringMatching(
        /^subscribers\.json:3: \[1\]\.unsubscribed: .*mailed as "active" — write unsubscribed in the status field/,
      ),
    ]);
    const read = await readEveryWay(list({ status: 'Unsubscribed', Abgemeldet: 'ja', unsubscribed: true }));
    expect(errors(read.problems)).toEqual([]);
    expect(read.readers).toEqual([
      ['r0@example.com', 'active'],
      ['r1@example.com', 'unsubscribed'],
    ]);
  });

  it('is one error for many entries saying the same, naming the first and the count', async () => {
    const { problems } = await readEveryWay(list({ unsubscribed: true }, {}, { unsubscribed: true }));
    expect(errors(problems)).toEqual([
      expect.stringMatching(/^subscribers\.json:3: \[1\]\.unsubscribed: .*\(2 entries\)/),
    ]);
  });

  it('is refused inside { "subscribers": [ … ] } too, with the path to the entry', async () => {
    const text = `{\n  "subscribers": [\n    { "email": "a@example.com" },\n    { "email": "b@example.com",\n      "subscribed": "unsubscribed" }\n  ]\n}\n`;
    const { problems } = await readEveryWay(text);
    expect(errors(problems)).toEqual([
      expect.stringMatching(/^subscribers\.json:5: subscribers\[1\]\.subscribed: says "unsubscribed"/),
    ]);
  });
});

describe('a JSON entry writing a field twice in different case', () => {
  it.each([
    [{ unsubscribed: false, Unsubscribed: true }, 'Unsubscribed'],
    [{ Unsubscribed: 'no', UNSUBSCRIBED: 'yes' }, 'UNSUBSCRIBED'],
    [{ status: 'active', Status: 'unsubscribed' }, 'Status'],
    [{ Status: 'Abgemeldet', status: 'Active' }, 'Status'],
  ])('%j is refused, naming the field that says the reader left', async (fields, field) => {
    const { problems } = await readEveryWay(list(fields));
    expect(errors(problems)).toEqual([
      expect.stringMatching(
        new RegExp(`^subscribers\\.json:3: \\[1\\]\\.${field}: says .*which rolecast does not read`),
      ),
    ]);
  });

  it('reads either spelling of a provider field saying the reader left, and "Status" alone as the status', async () => {
    const { problems, readers } = await readEveryWay(
      list(
        { subscribed_to_emails: true, Subscribed_To_Emails: false },
        { status: 'unsubscribed', Status: 'active' },
        { Status: 'Unsubscribed' },
      ),
    );
    expect(errors(problems)).toEqual([]);
    expect(readers).toEqual([
      ['r0@example.com', 'active'],
      ['r1@example.com', 'unsubscribed'],
      ['r2@example.com', 'unsubscribed'],
      ['r3@example.com', 'unsubscribed'],
    ]);
  });
});

describe("a provider's field in a JSON entry", () => {
  it.each([
    [{ subscribed_to_emails: false }],
    [{ subscribed_to_emails: 'false' }],
    [{ email_disabled: true }],
    [{ subscriber_type: 'unsubscribed' }],
    [{ state: 'inactive' }],
    [{ 'Email Marketing': 'Unsubscribed' }],
    [{ UNSUB_TIME: '2025-03-01 10:00:00' }],
  ])('%j makes the reader unsubscribed, the field taken as read', async (fields) => {
    const { problems, readers } = await readEveryWay(list(fields));
    expect(problems).toEqual([]);
    expect(readers).toEqual([
      ['r0@example.com', 'active'],
      ['r1@example.com', 'unsubscribed'],
    ]);
  });

  it('holding a value it does not know is an error naming the field', async () => {
    const { problems } = await readEveryWay(list({ subscribed_to_emails: 'maybe' }));
    expect(errors(problems)).toEqual([
      expect.stringMatching(/^subscribers\.json:3: \[1\]\.subscribed_to_emails: "maybe" is neither true nor false/),
    ]);
  });

  it('saying the reader is not mailed, beside a status of active, is an error', async () => {
    const { problems } = await readEveryWay(list({ status: 'active', subscribed_to_emails: false }));
    expect(errors(problems)).toEqual([
      expect.stringMatching(/^subscribers\.json:3: \[1\]\.subscribed_to_emails: says "false"/),
    ]);
  });
});

describe('a JSON entry that says nothing of leaving', () => {
  it.each([
    [{ unsubscribed: false }],
    [{ unsubscribed: 'no' }],
    [{ unsubscribed: null }],
    [{ status: 'active' }],
    [{ status: 'active', notes: 'unsubscribed in 2023, came back in May' }],
    [{ notes: 'Asked to be unsubscribed from the SMS list' }],
    [{ subscribed_to_emails: true }],
    [{ email_disabled: false }],
    [{ 'SMS Opt Out': true }],
    [{ tags: ['unsubscribed'] }],
  ])('%j is read and the reader mailed', async (fields) => {
    const { problems, readers } = await readEveryWay(list(fields));
    expect(errors(problems)).toEqual([]);
    expect(readers).toEqual([
      ['r0@example.com', 'active'],
      ['r1@example.com', 'active'],
    ]);
  });

  it('still warns about a field it does not read (a Kit region in state, a note)', async () => {
    const { problems } = await readEveryWay(list({ state: 'CA', notes: 'met at a conference' }));
    expect(problems).toEqual([
      expect.stringMatching(/^subscribers\.json:3: warning: \[1\]\.state: is not a subscriber field/),
      expect.stringMatching(/^subscribers\.json:3: warning: \[1\]\.notes: is not a subscriber field/),
    ]);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
