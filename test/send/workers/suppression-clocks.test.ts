import { afterEach, expect, it, vi } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { planAudience } from '../../../src/group/index.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

const ELEVEN_MINUTES = 11 * 60_000;

/**
 * A reader who unsubscribes while a worker sends is not mailed, whatever the clocks of the hosts
 * say: the worker's own (it reads the list again every second) and the `serve` replica's that
 * recorded the unsubscribe. Hosts whose clocks drift by minutes are an operator's everyday.
 */
describePostgres('send workers: suppressions recorded during the send, hosts with skewed clocks', () => {
  const db = useWorkerDatabase('suppression_clocks');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    { host: 'the worker', workerAheadMs: ELEVEN_MINUTES, serveBehindMs: 0 },
    { host: 'the serve replica', workerAheadMs: 0, serveBehindMs: ELEVEN_MINUTES },
  ])(
    'an unsubscribe after the claim is honoured when $host runs 11 minutes off',
    async ({ workerAheadMs, serveBehindMs }) => {
      await db.pool.query('DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM deliveries; DELETE FROM runs');
      await db.pool.query('DELETE FROM suppressions');
      const f = await sendFixture(36);
      opened.fixture = f;
      const smtp = await startSmtpServer();
      opened.smtp = smtp;
      const project = await f.load();
      const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
      const last = canonicalAddress(plan.recipients.at(-1)!.subscriber.email);
      // This process is the worker's host: its clock runs ahead; realNow() stays true.
      const realNow = Date.now.bind(Date);
      vi.spyOn(Date, 'now').mockImplementation(() => realNow() + workerAheadMs);
      // One batch holds every reader; 20 messages a second reach the last well after the unsubscribe.
      const report = sendIssue({
        issueDir: f.issueDir,
        subscribersFile: f.subscribersFile,
        cwd: f.dir,
        env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '100' },
        ratePerSecond: 20,
        concurrency: 1,
        lateSuppressionCheckMs: 20,
        log: () => {},
      });
      while ((await smtp.messages()).length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      // As a `serve` replica answering a one-click unsubscribe writes it, by its own clock.
      await db.pool.query(
        "INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, 'unsubscribe', 'one-click', $2)",
        [last, new Date(realNow() - serveBehindMs).toISOString()],
      );
      const done = await report;
      const mailed = (await smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
      expect(mailed).not.toContain(last);
      expect(done.total.sent).toBe(plan.recipients.length - 1);
      expect(done.total.skipped, JSON.stringify(done.total)).toMatchObject({ suppressed: 1 });
    },
  );
});
