import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSubscribers } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { readCsvBothWays, readJsonBothWays, shownList } from '../helpers/subscriber-lists.js';

/**
 * Fields of provider exports and APIs saying a reader is not mailed (left, never confirmed,
 * cleaned, blocklisted) under headings of their own: `"active": false`, Klaviyo's consent, HubSpot's
 * `hs_email_optout`, a date under `unsubscribed_at`, Ghost's `email_suppression` object. Each
 * refuses the list, naming the field, in CSV and JSON alike, read whole or streamed; fields that
 * say the reader is mailed, or say nothing, are read.
 */

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

let project: TempProject;
beforeAll(async () => {
  project = await tempProject();
});
afterAll(() => project.cleanup());

/** The JSON list read whole, streamed and from its file: the same answer each way. */
async function readJson(fields: Record<string, unknown>) {
  const text = `[\n  { "email": "stay@example.com", "roles": ["CTO"] },\n  ${JSON.stringify({ email: 'left@example.com', roles: ['CTO'], ...fields })}\n]\n`;
  const whole = await readJsonBothWays(text, 'subscribers.json', taxonomy);
  const file = await project.write('subscribers.json', text);
  const loaded = shownList(await loadSubscribers(file, taxonomy));
  expect(loaded.errors.map((line) => line.replace(file, 'subscribers.json'))).toEqual(whole.errors);
  return whole;
}

/** The same fields as CSV columns, read whole and streamed. */
async function readCsv(fields: Record<string, unknown>) {
  const cell = (value: unknown) => String(value);
  const keys = Object.keys(fields);
  const text = `email,roles,${keys.join(',')}\nstay@example.com,CTO,${keys.map(() => '').join(',')}\nleft@example.com,CTO,${keys.map((key) => cell(fields[key])).join(',')}\n`;
  return readCsvBothWays(text, 'subscribers.csv', taxonomy);
}

describe('a field saying the reader is not mailed', () => {
  it.each([
    [{ active: false }, 'active'],
    [{ Active: 0 }, 'Active'],
    [{ newsletter: 'unsubscribe' }, 'newsletter'],
    [{ marketing_consent: 'revoked' }, 'marketing_consent'],
    [{ marketing_consent: 'withdrawn' }, 'marketing_consent'],
    [{ confirmed: false }, 'confirmed'],
    [{ DOUBLE_OPT_IN: 'No' }, 'DOUBLE_OPT_IN'],
    [{ 'Opt-in status': 'pending' }, 'Opt-in status'],
    [{ email_opt_in: 'pending' }, 'email_opt_in'],
    [{ hs_email_optout: 'true' }, 'hs_email_optout'],
    [{ hs_email_bad_address: true }, 'hs_email_bad_address'],
    [{ 'Marketing contact status': 'Non-marketing contact' }, 'Marketing contact status'],
    [{ email_consent: 'NEVER_SUBSCRIBED' }, 'email_consent'],
    [{ Suppressions: 'USER_SUPPRESSED' }, 'Suppressions'],
    [{ 'Subscriber status': 'unconfirmed' }, 'Subscriber status'],
    [{ type: 'unactivated' }, 'type'],
    [{ unsubscribed_at: '2024-01-01' }, 'unsubscribed_at'],
    [{ unsubscribedAt: '2024-05-01T10:00:00.000Z' }, 'unsubscribedAt'],
    [{ 'Date unsubscribed': '2024-05-01 10:00:00 +0000 Coordinated Universal Time' }, 'Date unsubscribed'],
    [{ bounced_at: '2024-01-01' }, 'bounced_at'],
  ])('%j refuses the list, naming the field, in JSON and CSV', async (fields, field) => {
    const json = await readJson(fields);
    expect(json.errors).toEqual([
      expect.stringMatching(
        new RegExp(`^subscribers\\.json:3: \\[1\\]\\.${field}: says .*the reader would be mailed — add a status field`),
      ),
    ]);
    const csv = await readCsv(fields);
    expect(csv.errors).toEqual([
      expect.stringMatching(/^subscribers\.csv:3: [^:]+: says .*the reader would be mailed — add a status column/i),
    ]);
  });

  it.each([
    [{ email_suppression: { suppressed: true, info: null } }, 'email_suppression.suppressed'],
    [
      { subscriptions: { email: { marketing: { consent: 'NEVER_SUBSCRIBED' } } } },
      'subscriptions.email.marketing.consent',
    ],
    [{ subscriptions: { newsletter: false } }, 'subscriptions.newsletter'],
    [{ newsletters: [] }, 'newsletters'],
    [{ listUnsubscribed: [3] }, 'listUnsubscribed'],
  ])('%j, a provider API writing it inside an object or list, refuses the JSON list', async (fields, field) => {
    const json = await readJson(fields);
    expect(json.errors).toEqual([
      expect.stringMatching(new RegExp(`^subscribers\\.json:3: \\[1\\]\\.${field.replace(/\./g, '\\.')}: says `)),
    ]);
  });

  it('"Status" holding a value rolecast does not know is refused, as the CSV heading is', async () => {
    const json = await readJson({ Status: 'Unconfirmed' });
    expect(json.errors).toEqual([expect.stringMatching(/^subscribers\.json:3: \[1\]\.status: .*got "unconfirmed"/)]);
  });

  it.each([
    [{ status: 'active', STATUS: 'pending' }, 'STATUS'],
    [{ status: 'active', Status: 'unconfirmed' }, 'Status'],
  ])('%j, a second status in capitals, refuses the JSON list', async (fields, field) => {
    const json = await readJson(fields);
    expect(json.errors).toEqual([
      expect.stringMatching(new RegExp(`^subscribers\\.json:3: \\[1\\]\\.${field}: says .*mailed as "active"`)),
    ]);
  });

  it('is read beside a status saying unsubscribed', async () => {
    const json = await readJson({ status: 'unsubscribed', active: false, unsubscribed_at: '2024-01-01' });
    expect(json).toEqual({
      errors: [],
      readers: ['stay@example.com', 'left@example.com'],
      statuses: ['active', 'unsubscribed'],
    });
  });
});

describe('a field saying the reader is mailed, or nothing about it', () => {
  it.each([
    [{ active: true }],
    [{ confirmed: 'yes' }],
    [{ notes: 'unsubscribed last year then rejoined' }],
    [{ unsubscribed_at: '' }],
    [{ unsubscribed_at: 'never' }],
    [{ active_subscription: false }],
    [{ payment_status: 'pending' }],
    [{ state: 'CA' }],
    [{ newsletters: [{ id: 'weekly' }], listUnsubscribed: [] }],
    [{ email_suppression: { suppressed: false } }],
    [{ 'SMS consent': 'revoked' }],
  ])('%j is read and the reader mailed', async (fields) => {
    const json = await readJson(fields);
    expect(json).toEqual({
      errors: [],
      readers: ['stay@example.com', 'left@example.com'],
      statuses: ['active', 'active'],
    });
  });
});
