import { beforeEach, expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * A reader the server greylists waits minutes for their next try. The worker does not hold their
 * lease through that wait: the reader goes back to the plan with a time before which no worker
 * takes them, so a worker that stops (or dies) in the wait leaves nothing leased, and whichever
 * worker is running once the time comes mails them, once.
 */
describePostgres('send workers: a greylisted reader handed back to the plan', () => {
  const db = useWorkerDatabase('greylisted_hand_back');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);
  beforeEach(async () => {
    await db.pool.query(
      'DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM send_workers; DELETE FROM deliveries; DELETE FROM runs',
    );
  });

  const waiting = async () =>
    (
      await db.pool.query<{ email: string; lease_owner: string | null; wait_ms: number; greylists: number }>(
        `SELECT email, lease_owner, greylists,
           (not_before - (extract(epoch from clock_timestamp()) * 1000)::bigint)::int AS wait_ms
         FROM send_items WHERE NOT done AND not_before IS NOT NULL`,
      )
    ).rows;

  const start = (f: SendFixture, smtp: TestSmtpServer, signal?: AbortSignal) =>
    sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url() },
      ratePerSecond: 0,
      signal,
    });

  it('holds no lease while the reader waits, and mails them once when their time comes', async () => {
    // The first RCPT TO is put off ("451 Try again later", read as greylisting) for 1.5 s.
    const f = await sendFixture(8, { concurrency: 1, greylistRetryMs: 1500 });
    opened.fixture = f;
    const smtp = await startSmtpServer({ faults: { tempFailRcpt: [1] } });
    opened.smtp = smtp;
    const running = start(f, smtp);
    // While the reader waits: unleased, with a time to come by the database's clock.
    await expect.poll(async () => (await waiting()).length, { timeout: 15_000, interval: 20 }).toBe(1);
    const [row] = await waiting();
    expect(row!.lease_owner).toBeNull();
    expect(row!.greylists).toBe(1);
    expect(row!.wait_ms).toBeGreaterThan(0);
    expect(row!.wait_ms).toBeLessThanOrEqual(1500);
    const report = await running;
    expect(report.total.sent).toBe((await eligible(f)).length);
    const mailed = (await smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
    expect(mailed.sort()).toEqual(await eligible(f));
    const ledger = await db.pool.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM deliveries WHERE email = $1',
      [row!.email],
    );
    // Its first try, the greylisted one, went with it.
    expect(ledger.rows).toEqual([{ status: 'sent', attempts: 2 }]);
  }, 40_000);

  it('a worker stopped during the wait leaves the reader to the next worker, mailed once when due', async () => {
    const f = await sendFixture(8, { concurrency: 1, greylistRetryMs: 1500 });
    opened.fixture = f;
    const smtp = await startSmtpServer({ faults: { tempFailRcpt: [1] } });
    opened.smtp = smtp;
    const stop = new AbortController();
    const first = start(f, smtp, stop.signal);
    await expect.poll(async () => (await waiting()).length, { timeout: 15_000, interval: 20 }).toBe(1);
    const [row] = await waiting();
    const others = (await eligible(f)).length - 1;
    await expect.poll(async () => (await smtp.messages()).length, { timeout: 15_000, interval: 20 }).toBe(others);
    stop.abort();
    await first;
    // Not recorded deferred nor done: still the plan's, unleased, waiting for its time.
    expect((await waiting()).map((r) => [r.email, r.lease_owner])).toEqual([[row!.email, null]]);
    const second = await start(f, smtp);
    expect(second.total.sent).toBe(1);
    const mailed = (await smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
    expect(mailed.sort()).toEqual(await eligible(f));
  }, 40_000);
});
