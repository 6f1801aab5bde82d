import { beforeEach, expect, it } from 'vitest';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

describePostgres('send workers: the same refusal over several batches', () => {
  const db = useWorkerDatabase('refusal_streak_batches');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);
  const sendInBatchesOfFour = (f: SendFixture, smtp: TestSmtpServer) =>
    sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '4' },
      ratePerSecond: 0,
      log: () => {},
    });
  // Every test sends the same issue to the same addresses: an earlier test's rows would skip them.
  beforeEach(async () => {
    await db.pool.query('TRUNCATE deliveries, send_items CASCADE');
  });

  // Before the count went over batches, each batch of four failed its readers and the send went on; then
  // the batch that ended before the fifth refusal still failed its readers.
  it('batches of four: a refusal of every reader aborts the send, nobody failed', async () => {
    const f = await sendFixture(30, { concurrency: 1 });
    opened.fixture = f;
    const rcptReplies = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i + 1, 550]));
    const smtp = await startSmtpServer({ faults: { rcptReplies } });
    opened.smtp = smtp;
    const report = await sendInBatchesOfFour(f, smtp);
    expect(report.aborted).toContain('5 messages in a row refused with the same reply: 550 Reply 550 on cue');
    // A batch that ended before the fifth refusal came has failed its readers (SAME_REFUSAL_LIMIT - 1 at most).
    expect(report.total.failed).toBe(0);
    expect(report.total.deferred + report.total.pending).toBe(report.total.planned);
    expect(smtp.counts.accepted).toBe(0);
  });
  // Each batch that ended before the count was reached failed its readers: 16 of them for two texts taking turns.
  it('batches of four: two refusals of every reader taking turns abort the send, nobody failed', async () => {
    const f = await sendFixture(30, { concurrency: 1 });
    opened.fixture = f;
    const rcptReplies = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [i + 1, i % 2 === 0 ? 550 : 554]));
    const smtp = await startSmtpServer({ faults: { rcptReplies } });
    opened.smtp = smtp;
    const report = await sendInBatchesOfFour(f, smtp);
    expect(report.aborted).toContain('20 messages in a row refused, none accepted between');
    expect(report.total.failed).toBe(0);
    expect(smtp.counts.accepted).toBe(0);
    const rows = await db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'failed'");
    expect(rows.rows[0].n).toBe(0);
  });

  // Fewer than the count, and no message of the issue ever taken: a refusal of everyone cannot be told apart.
  it('batches of four: a list of three refused alike is deferred, not failed', async () => {
    const f = await sendFixture(3, { concurrency: 1 });
    opened.fixture = f;
    const smtp = await startSmtpServer({ faults: { rcptReplies: { 1: 550, 2: 550, 3: 550 } } });
    opened.smtp = smtp;
    const report = await sendInBatchesOfFour(f, smtp);
    expect(report.total).toMatchObject({ planned: 3, failed: 0, deferred: 3 });
    const rows = await db.pool.query("SELECT count(*)::int AS n FROM deliveries WHERE status = 'failed'");
    expect(rows.rows[0].n).toBe(0);
  });

  // Refusals a batch ends with are held while another batch follows, which may yet reach the count:
  // an acceptance in the next batch shows them their readers' own, and they fail with the one after.
  it('batches of four: refusals a batch ends with are held, and fail with the next once an acceptance follows', async () => {
    const f = await sendFixture(30, { concurrency: 1 });
    opened.fixture = f;
    // Of the 20 readers planned, the 3rd to 5th refused: the 3rd and 4th end a batch of two, the 5th starts one.
    const smtp = await startSmtpServer({ faults: { rcptReplies: { 3: 550, 4: 550, 5: 550 } } });
    opened.smtp = smtp;
    const report = await sendInBatchesOfFour(f, smtp);
    expect(report.aborted).toBeUndefined();
    expect(report.total.failed).toBe(3);
    expect(report.total.deferred).toBe(0);
    const failed = await db.pool.query("SELECT email FROM deliveries WHERE status = 'failed'");
    expect(failed.rows).toHaveLength(3);
    expect(report.total.planned).toBe(20);
    expect(smtp.counts.accepted).toBe(17);
  });
});
