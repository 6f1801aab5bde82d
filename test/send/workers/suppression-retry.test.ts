import { expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { planAudience } from '../../../src/group/index.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/** As with one sender: a retry minutes after the first try does not reach a reader suppressed meanwhile. */
describePostgres('send workers: a reader suppressed while their message waits for a retry', () => {
  const db = useWorkerDatabase('suppression_retry');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('is not mailed by the retry, is counted as suppressed, and their item is done', async () => {
    // The first try of the first message is put off ("451 Try again later" at RCPT TO, read as
    // greylisting): its retry comes 2 s later.
    const f = await sendFixture(8, { concurrency: 1, retryBaseMs: 2000, greylistRetryMs: 2000 });
    opened.fixture = f;
    const smtp = await startSmtpServer({ faults: { tempFailRcpt: [1] } });
    opened.smtp = smtp;
    const project = await f.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const first = canonicalAddress(plan.recipients[0]!.subscriber.email);
    const running = sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url() },
      ratePerSecond: 0,
      lateSuppressionCheckMs: 20,
    });
    await expect.poll(() => smtp.counts.rcpt, { timeout: 20_000, interval: 2 }).toBeGreaterThanOrEqual(1);
    // As `serve` answering a one-click unsubscribe would: another connection to the database.
    await db.pool.query(
      "INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, 'unsubscribe', 'one-click', $2)",
      [first, new Date().toISOString()],
    );
    const report = await running;
    const mailed = (await smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
    expect(mailed).not.toContain(first);
    expect(mailed).toHaveLength(plan.recipients.length - 1);
    expect(report.total.skipped).toMatchObject({ suppressed: 1 });
    expect(report.total.sent).toBe(plan.recipients.length - 1);
    const open = await db.pool.query('SELECT count(*)::int AS n FROM send_items WHERE NOT done');
    expect(open.rows[0]).toEqual({ n: 0 });
    const rows = await db.pool.query('SELECT status FROM deliveries WHERE email = $1', [first]);
    expect(rows.rows).toEqual([]);
  });
});
