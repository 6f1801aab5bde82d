import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { applyEvents, type BounceEvent, countDecisions, emptyHints, readReport } from '../../src/bounces/index.js';
import { migrateBounceStorePg, postgresBounceStore } from '../../src/bounces/store-postgres.js';
import { openPostgres, type Pool } from '../../src/db/postgres.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * PostgreSQL's text holds no NUL character, not even as a query's parameter. A Message-ID holding
 * one, quoted by a broken or hostile server in its report or relayed by a provider's webhook, is
 * looked up in the ledger to find the reader: the lookup failed the whole batch, on every retry,
 * so the other readers' hard bounces in it were never recorded and they went on being mailed.
 */

const NOW = new Date('2026-12-01T12:00:00Z');

const hard = (eventId: string, address: string, messageId?: string): BounceEvent => ({
  eventId,
  kind: 'hard',
  address,
  status: '5.1.1',
  diagnostic: '550 5.1.1 user unknown',
  source: 'sendgrid',
  at: NOW,
  hints: { ...emptyHints(), messageIds: messageId ? [messageId] : [] },
});

const dsn = (recipient: string, inReplyTo: string) =>
  [
    'From: MAILER-DAEMON@mx.example.net',
    'To: digest@rolecast.example',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <${recipient}.dsn@mx.example.net>`,
    `In-Reply-To: ${inReplyTo}`,
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
    '--b--',
    '',
  ].join('\r\n');

describePostgres('a report quoting a Message-ID that holds a NUL character, on PostgreSQL', () => {
  const databaseUrl = useFreshDatabase('bounce_nul_mid');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(databaseUrl(), { max: 2 });
    await migrateBounceStorePg(pool);
  });
  afterAll(() => pool?.end());
  beforeEach(async () => {
    await pool.query('TRUNCATE bounce_events, deliveries, suppressions');
  });

  it('a webhook batch is recorded whole: every reader in it suppressed', async () => {
    const store = postgresBounceStore(pool);
    const events = [
      hard('sendgrid:first', 'gone.one@example.org', '<a1@rolecast.example>'),
      hard('sendgrid:second', 'gone.two@example.org', '<broken\u0000id@mx.example.net>'),
      hard('sendgrid:third', 'gone.three@example.org'),
    ];
    const decisions = await applyEvents(store, events, { softLimit: 3, now: NOW, authenticated: true });
    expect(countDecisions(decisions)).toMatchObject({ hard: 3, suppressed: 3 });
    for (const reader of ['gone.one@example.org', 'gone.two@example.org', 'gone.three@example.org'])
      expect(await store.isSuppressed(reader)).toBe(true);
  });

  it('a delivery report is read and its reader suppressed', async () => {
    const store = postgresBounceStore(pool);
    const { events } = readReport(dsn('gone.four@example.org', '<held\u0000@mx.example.net>'), 'import:x', NOW);
    const decisions = await applyEvents(store, events, { softLimit: 3, now: NOW });
    expect(countDecisions(decisions)).toMatchObject({ hard: 1, suppressed: 1 });
    expect(await store.isSuppressed('gone.four@example.org')).toBe(true);
  });
});
