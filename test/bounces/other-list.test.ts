import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReport } from '../../src/bounces/index.js';
import { createResolver, listIdOf } from '../../src/bounces/resolve.js';
import { readSesNotification } from '../../src/bounces/ses-notification.js';
import type { BounceStore } from '../../src/bounces/store.js';
import type { BounceEvent } from '../../src/bounces/types.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { REPO_ROOT } from '../helpers/project.js';

/**
 * One sender, two lists, one place their reports arrive (an SNS topic for every list, one
 * feedback-loop mailbox): a report naming only a recipient's address is believed, but not when
 * what it quotes of the original (its List-Id, its signed unsubscribe link) names the other list.
 */
const OURS = 'weekly.rolecast.example';
const SECRET = 'shared-secret-0123456789abcdef0123456789';
const NOW = new Date('2026-12-01T12:00:00Z');
const READER = 'both.lists@example.com';

// Nothing in the ledger matches: only the report's own address can name the reader.
const emptyLedger = {
  deliveredIssues: async () => [],
  recipients: async () => [],
  deliveryByMessageId: async () => undefined,
} as unknown as BounceStore;

const sesComplaint = (headers: { name: string; value: string }[]) =>
  readSesNotification(
    {
      notificationType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: READER }],
        timestamp: '2026-12-01T11:00:00Z',
        feedbackId: 'fb-lists',
        complaintFeedbackType: 'abuse',
      },
      mail: { messageId: 'm-1', source: 'digest@rolecast.example', commonHeaders: {}, headers },
    },
    NOW,
  );

/** What the resolver answers for a report about the other list: skipped, and why. */
const OTHER_LIST = { skipped: expect.stringContaining('names another list') };

const resolveAll = async (events: BounceEvent[], authenticated: boolean) => {
  const resolve = createResolver(emptyLedger, { listId: OURS, secret: SECRET, authenticated });
  return Promise.all(events.map((event) => resolve(event)));
};

const unsubscribeHeader = (listId: string) =>
  `<https://rolecast.example/unsubscribe?token=${signToken({ listId, email: READER }, SECRET)}>`;

describe('reports about another list of the same sender', () => {
  it('an SES complaint quoting another List-Id is not this list reader’s; this list’s, or none, is', async () => {
    expect(
      await resolveAll(sesComplaint([{ name: 'List-Id', value: 'Monthly <monthly.rolecast.example>' }]), true),
    ).toEqual([OTHER_LIST]);
    for (const headers of [[{ name: 'List-Id', value: `Weekly <${OURS.toUpperCase()}>` }], []])
      expect(await resolveAll(sesComplaint(headers), true)).toEqual([{ email: READER, issueId: null, via: 'report' }]);
  });

  it('reads a List-Id as RFC 2919 writes it; one that does not read as an id proves nothing', async () => {
    expect(listIdOf(`"<Dev> Weekly" <${OURS}>`)).toBe(OURS);
    expect(listIdOf(`Weekly (the <old> one) <${OURS}>`)).toBe(OURS);
    expect(listIdOf(OURS.toUpperCase())).toBe(OURS);
    expect(listIdOf('"Some very long brand name"')).toBeUndefined();
    expect(listIdOf('Weekly <>')).toBeUndefined();
    for (const value of [`"<Dev> Weekly" <${OURS}>`, '"Some very long brand name', 'Weekly'])
      expect(await resolveAll(sesComplaint([{ name: 'List-Id', value }]), true)).toEqual([
        { email: READER, issueId: null, via: 'report' },
      ]);
    // Two values, one of them this list's: about this list.
    const both = sesComplaint([
      { name: 'List-Id', value: 'Monthly <monthly.rolecast.example>' },
      { name: 'List-Id', value: `<${OURS}>` },
    ]);
    expect(await resolveAll(both, true)).toEqual([{ email: READER, issueId: null, via: 'report' }]);
  });

  it('a complaint whose unsubscribe link is signed for the other list (same secret) is not this list reader’s', async () => {
    const other = sesComplaint([{ name: 'List-Unsubscribe', value: unsubscribeHeader('monthly.rolecast.example') }]);
    expect(await resolveAll(other, true)).toEqual([OTHER_LIST]);
    const ours = sesComplaint([{ name: 'List-Unsubscribe', value: unsubscribeHeader(OURS) }]);
    expect(await resolveAll(ours, true)).toEqual([{ email: READER, issueId: null, via: 'unsubscribe-token' }]);
  });

  it('a feedback-loop report from the mailbox quoting another List-Id is left unmatched', async () => {
    const arf = readFileSync(join(REPO_ROOT, 'test/bounces/fixtures/yahoo-arf.eml'), 'utf8');
    const withList = (id: string) =>
      arf.replace('Subject: Your week in AI\n', `Subject: Your week in AI\nList-Id: ${id}\n`);
    const resolve = createResolver(emptyLedger, { listId: OURS });
    const other = readReport(withList('Monthly <monthly.rolecast.example>'), 'import:arf', NOW).events;
    expect(other).toHaveLength(1);
    expect(await resolve(other[0]!)).toEqual(OTHER_LIST);
    const ours = readReport(withList(`Weekly <${OURS}>`), 'import:arf', NOW).events;
    expect(await resolve(ours[0]!)).toMatchObject({ via: 'report' });
  });
});
