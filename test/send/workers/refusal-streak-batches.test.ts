import { expect, it } from 'vitest';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

describePostgres('send workers: the same refusal over several batches', () => {
  const db = useWorkerDatabase('refusal_streak_batches');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  // Before the count went over batches, each batch of four failed its readers and the send went on.
  it('batches of four: a refusal of every reader aborts the send, at most one batch failed', async () => {
    const f = await sendFixture(30, { concurrency: 1 });
    opened.fixture = f;
    const rcptReplies = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i + 1, 550]));
    const smtp = await startSmtpServer({ faults: { rcptReplies } });
    opened.smtp = smtp;
    const report = await sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '4' },
      ratePerSecond: 0,
      log: () => {},
    });
    expect(report.aborted).toContain('5 messages in a row refused with the same reply: 550 Reply 550 on cue');
    // A batch that ended before the fifth refusal came has failed its readers (SAME_REFUSAL_LIMIT - 1 at most).
    expect(report.total.failed).toBeLessThanOrEqual(4);
    expect(report.total.deferred + report.total.pending).toBeGreaterThanOrEqual(report.total.planned - 4);
    expect(smtp.counts.accepted).toBe(0);
  });
});
