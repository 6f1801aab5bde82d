import { expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { planAudience } from '../../../src/group/index.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * A reader greylisted by the server waits minutes for their next try. The other readers of their
 * batch, already mailed, are recorded meanwhile: a worker that died in the wait would otherwise
 * leave them to another worker, who would mail them a second copy.
 */
describePostgres('send workers: a batch waiting for a greylisted reader', () => {
  const db = useWorkerDatabase('greylisted_batch_records');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('records the readers it mailed while the greylisted one waits', async () => {
    // The first RCPT TO is put off ("451 Try again later", read as greylisting) for a minute.
    const f = await sendFixture(8, { concurrency: 1, greylistRetryMs: 60_000 });
    opened.fixture = f;
    const smtp = await startSmtpServer({ faults: { tempFailRcpt: [1] } });
    opened.smtp = smtp;
    const project = await f.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const stop = new AbortController();
    const running = sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url() },
      ratePerSecond: 0,
      signal: stop.signal,
    });
    try {
      const others = plan.recipients.length - 1;
      await expect.poll(async () => (await smtp.messages()).length, { timeout: 20_000, interval: 20 }).toBe(others);
      // Well before the greylisted reader's next try: their mailed readers are in the ledger.
      await expect
        .poll(
          async () =>
            (await db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'sent'")).rows[0].n,
          { timeout: 5_000, interval: 50 },
        )
        .toBe(others);
      const done = await db.pool.query('SELECT count(*)::int AS n FROM send_items WHERE done');
      expect(done.rows[0]).toEqual({ n: others });
      const mailed = (await smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
      expect(new Set(mailed).size).toBe(others);
    } finally {
      stop.abort();
      await running.catch(() => undefined);
    }
  }, 40_000);
});
