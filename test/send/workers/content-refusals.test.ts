import { expect, it } from 'vitest';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * Refusals of the messages themselves stop a send only while nothing was accepted (run.ts): a
 * worker's batches are one send, so a batch that starts with them after others went out goes on.
 */
describePostgres('send workers: refusals of the messages themselves', () => {
  const db = useWorkerDatabase('content_refusals');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('a batch that starts with content refusals after messages were accepted fails those readers and goes on', async () => {
    const f = await sendFixture(30, { concurrency: 1 });
    opened.fixture = f;
    const refusal = { code: 554, message: '5.7.1 Message content rejected' };
    // Claimed six at a time: the first batch is accepted, the next two are refused whole.
    const dataReplies = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [i + 7, refusal]));
    const smtp = await startSmtpServer({ faults: { dataReplies } });
    opened.smtp = smtp;
    const report = await sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '12' },
      ratePerSecond: 0,
      log: () => {},
    });
    expect(report.aborted).toBeUndefined();
    expect(report.total.failed).toBe(12);
    expect(report.total.sent).toBe(report.total.planned - 12);
    expect(smtp.counts.accepted).toBe(report.total.planned - 12);
  });
});
