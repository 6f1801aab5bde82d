import { beforeEach, expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * A greylisted reader is handed back to the plan while the rest of their batch is still sending, so
 * a heartbeat in between no longer finds them leased to this worker. When their time comes and the
 * same worker claims them again, that claim makes them its own: they are mailed, and the send ends.
 */
describePostgres('send workers: a greylisted reader claimed again by the worker that handed them back', () => {
  const db = useWorkerDatabase('greylisted_reclaimed');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);
  beforeEach(async () => {
    await db.pool.query(
      'DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM send_workers; DELETE FROM deliveries; DELETE FROM runs',
    );
  });

  it('mails the reader once their time comes, though heartbeats ran while the batch went on', async () => {
    // The first RCPT TO is greylisted; every other message takes 400 ms, so the batch goes on for
    // seconds after the hand-back is written (within 1 s) and heartbeats (every 0.5 s) run meanwhile.
    const f = await sendFixture(10, { concurrency: 1, greylistRetryMs: 1500 });
    opened.fixture = f;
    const smtp = await startSmtpServer({ faults: { tempFailRcpt: [1], dataDelayMs: 400 } });
    opened.smtp = smtp;
    const report = await sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_LEASE_MS: '1500' },
      ratePerSecond: 0,
      // Without the reader mailed the worker would wait for ever: cut short, it fails below.
      signal: AbortSignal.timeout(60_000),
    });
    const mailed = (await smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
    expect(mailed.sort()).toEqual(await eligible(f));
    expect(report.total.sent).toBe((await eligible(f)).length);
    const open = await db.pool.query('SELECT seq FROM send_items WHERE NOT done');
    expect(open.rows).toEqual([]);
  }, 90_000);
});
