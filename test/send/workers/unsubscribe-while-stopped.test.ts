import { expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { postgresSuppressionList } from '../../../src/serve/suppressions-postgres.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';
import { startOneConnectionWorker } from './_stopped-worker.js';

/**
 * A send worker stopped (SIGSTOP, a suspended VM) for a few seconds, well within its lease, between
 * its look at the suppression list and its message's data: a reader who unsubscribed through
 * `serve` meanwhile was mailed on that look, seconds old. The list is now read again before the
 * data of a message whose last look is more than a second old.
 */
describePostgres('send workers: a reader who unsubscribes while the worker is stopped before their data', () => {
  const db = useWorkerDatabase('unsubscribe_while_stopped');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  /** The worker stopped as the server gets its third DATA; `unsubscribe` may suppress that reader meanwhile. */
  const stopAtThirdData = async (unsubscribe: boolean) => {
    await db.pool.query(
      'DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM send_workers; DELETE FROM deliveries; DELETE FROM runs; DELETE FROM suppressions',
    );
    const f = await sendFixture(12);
    opened.fixture = f;
    let data = 0;
    let pid = 0;
    let stoppedAt: string | undefined;
    const smtp = await startSmtpServer({
      onDataStart: (to) => {
        if (++data !== 3 || !pid) return;
        stoppedAt = canonicalAddress(to[0]!);
        process.kill(pid, 'SIGSTOP');
      },
    });
    opened.smtp = smtp;
    const env = { ...sendEnv(smtp.url()), DATABASE_URL: db.url() };
    const worker = startOneConnectionWorker(f, env);
    const { child, exited } = worker;
    pid = child.pid!;
    try {
      await expect.poll(() => stoppedAt, { timeout: 60_000 }).toBeDefined();
      const stoppedSince = Date.now();
      // As `serve` answers a one-click unsubscribe: committed before the answer.
      if (unsubscribe)
        expect(
          await postgresSuppressionList(db.pool).add(stoppedAt!, { reason: 'unsubscribe', source: 'one-click' }),
        ).toBe('added');
      // Stopped past the second a look is good for, far within the 30 s lease.
      await expect.poll(() => Date.now() - stoppedSince, { timeout: 10_000, interval: 100 }).toBeGreaterThan(2500);
    } finally {
      child.kill('SIGCONT');
    }
    const code = await exited;
    const mailed = (await smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
    const open = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM send_items WHERE NOT done');
    const row = await db.pool.query<{ status: string }>('SELECT status FROM deliveries WHERE email = $1', [stoppedAt]);
    return { stoppedAt: stoppedAt!, mailed, code, stderr: worker.stderr, open: open.rows[0]!.n, rows: row.rows };
  };

  it('is not mailed, and the run goes on to the end', async () => {
    const run = await stopAtThirdData(true);
    expect(run.mailed, run.stderr).not.toContain(run.stoppedAt);
    expect(run.rows).toEqual([]);
    expect(run.open).toBe(0);
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);

  it('a reader who stayed is mailed once after the stop', async () => {
    const run = await stopAtThirdData(false);
    expect(run.mailed.filter((email) => email === run.stoppedAt)).toHaveLength(1);
    expect(new Set(run.mailed).size).toBe(run.mailed.length);
    expect(run.rows).toEqual([{ status: 'sent' }]);
    expect(run.open).toBe(0);
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);
});
