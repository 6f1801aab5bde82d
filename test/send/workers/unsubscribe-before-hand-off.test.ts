import { expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { planAudience } from '../../../src/group/index.js';
import { sendIssue } from '../../../src/send/index.js';
import { postgresSuppressionList } from '../../../src/serve/suppressions-postgres.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * On PostgreSQL, as on the state file: an unsubscribe `serve` committed before a reader's message
 * is handed to the server stops that message, however recently. The background check is set to a
 * minute here, so only the look right before the message goes out can see it.
 */
describePostgres('send workers: a reader unsubscribed while the message before theirs is on the wire', () => {
  const db = useWorkerDatabase('unsubscribe_hand_off');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('is not mailed, is counted as suppressed, and their item is done', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let dataEnded = 0;
    const f = await sendFixture(5, { concurrency: 1 });
    opened.fixture = f;
    // The first message's reply waits: the second reader's message is built and waits for its turn.
    const smtp = await startSmtpServer({
      faults: { holdData: held },
      onDataEnd: () => {
        dataEnded++;
      },
    });
    opened.smtp = smtp;
    const project = await f.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const second = canonicalAddress(plan.recipients[1]!.subscriber.email);
    const running = sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url() },
      ratePerSecond: 0,
      lateSuppressionCheckMs: 60_000,
    });
    await expect.poll(() => dataEnded, { timeout: 20_000, interval: 2 }).toBeGreaterThanOrEqual(1);
    // As `serve` answers a one-click unsubscribe: committed before the answer.
    const outcome = await postgresSuppressionList(db.pool).add(second, { reason: 'unsubscribe', source: 'one-click' });
    expect(outcome).toBe('added');
    release();
    const report = await running;
    const mailed = (await smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
    expect(mailed).not.toContain(second);
    expect(mailed).toHaveLength(plan.recipients.length - 1);
    expect(report.total.skipped).toMatchObject({ suppressed: 1 });
    expect(report.total.sent).toBe(plan.recipients.length - 1);
    const open = await db.pool.query('SELECT count(*)::int AS n FROM send_items WHERE NOT done');
    expect(open.rows[0]).toEqual({ n: 0 });
    const rows = await db.pool.query('SELECT status FROM deliveries WHERE email = $1', [second]);
    expect(rows.rows).toEqual([]);
  });
});
