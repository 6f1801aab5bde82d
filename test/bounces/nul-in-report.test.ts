import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { applyEvents, type BounceEvent, countDecisions, emptyHints, importBounces } from '../../src/bounces/index.js';
import { migrateBounceStorePg, postgresBounceStore } from '../../src/bounces/store-postgres.js';
import { openPostgres, type Pool } from '../../src/db/postgres.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * PostgreSQL's text holds no NUL character. A receiving server's reply carrying one (a broken or
 * hostile server, relayed by a provider's webhook or quoted in a delivery report) failed the whole
 * batch it came in: the webhook answered 503 to every retry and the import stopped, so the other
 * readers' hard bounces in it were never recorded and those readers went on being mailed.
 */

const NOW = new Date('2026-12-01T12:00:00Z');

const hard = (eventId: string, address: string, diagnostic: string): BounceEvent => ({
  eventId,
  kind: 'hard',
  address,
  status: '5.1.1',
  diagnostic,
  source: 'sendgrid',
  at: NOW,
  hints: emptyHints(),
});

const dsn = (recipient: string, diagnostic: string) =>
  [
    'From: MAILER-DAEMON@mx.example.net',
    'To: digest@rolecast.example',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <${recipient}.dsn@mx.example.net>`,
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
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '--b--',
    '',
  ].join('\r\n');

describePostgres('a report whose server reply holds a NUL character, on PostgreSQL', () => {
  const databaseUrl = useFreshDatabase('bounce_nul');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(databaseUrl(), { max: 2 });
    await migrateBounceStorePg(pool);
  });
  afterAll(() => pool?.end());
  beforeEach(async () => {
    await pool.query('TRUNCATE bounce_events, deliveries, suppressions');
  });

  it('a webhook batch is recorded whole: every reader in it suppressed, the reply kept readable', async () => {
    const store = postgresBounceStore(pool);
    const events = [
      hard('sendgrid:first', 'gone.one@example.org', '550 5.1.1 user unknown'),
      hard('sendgrid:se\u0000cond', 'gone.two@example.org', '550 5.1.1 no such user\u0000\u0000 here'),
    ];
    const decisions = await applyEvents(store, events, { softLimit: 3, now: NOW, authenticated: true });
    expect(countDecisions(decisions)).toMatchObject({ hard: 2, suppressed: 2 });
    expect(await store.isSuppressed('gone.one@example.org')).toBe(true);
    expect(await store.isSuppressed('gone.two@example.org')).toBe(true);
    const stored = (await store.events()).find((e) => e.email === 'gone.two@example.org');
    expect(stored?.diagnostic).toBe('550 5.1.1 no such user\uFFFD\uFFFD here');
    // The provider's retry of the same batch is a duplicate, not a second record.
    const again = await applyEvents(store, events, { softLimit: 3, now: NOW, authenticated: true });
    expect(countDecisions(again)).toMatchObject({ duplicate: 2, suppressed: 0 });
  });

  it('a mailbox import reads on past it, and the readers of the reports around it are suppressed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rolecast-bounce-nul-'));
    try {
      await writeFile(join(dir, '1.eml'), dsn('gone.one@example.org', '550 5.1.1 user unknown'));
      await writeFile(join(dir, '2.eml'), dsn('gone.two@example.org', '550 5.1.1 user\u0000unknown'));
      await writeFile(join(dir, '3.eml'), dsn('gone.three@example.org', '550 5.1.1 user unknown'));
      const store = postgresBounceStore(pool);
      const summary = await importBounces(dir, store, { source: 'import:test', softLimit: 3, now: NOW });
      expect(countDecisions(summary.decisions)).toMatchObject({ hard: 3, suppressed: 3 });
      for (const reader of ['gone.one@example.org', 'gone.two@example.org', 'gone.three@example.org'])
        expect(await store.isSuppressed(reader)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
