import { expect, it } from 'vitest';
import { postgresSuppressionList } from '../../../src/serve/suppressions-postgres.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import type { TestSmtpServer } from '../../helpers/smtp.js';
import type { SendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';
import { stopAtThirdData } from './_stopped-worker.js';

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
  const stopAtThirdDataOnPostgres = async (unsubscribe: boolean) => {
    await db.pool.query(
      'DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM send_workers; DELETE FROM deliveries; DELETE FROM runs; DELETE FROM suppressions',
    );
    const run = await stopAtThirdData(
      opened,
      { DATABASE_URL: db.url() },
      // As `serve` answers a one-click unsubscribe: committed before the answer.
      unsubscribe
        ? async (_f, email) =>
            expect(
              await postgresSuppressionList(db.pool).add(email, { reason: 'unsubscribe', source: 'one-click' }),
            ).toBe('added')
        : undefined,
    );
    const open = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM send_items WHERE NOT done');
    const row = await db.pool.query<{ status: string }>('SELECT status FROM deliveries WHERE email = $1', [
      run.stoppedAt,
    ]);
    return { ...run, open: open.rows[0]!.n, rows: row.rows };
  };

  it('is not mailed, and the run goes on to the end', async () => {
    const run = await stopAtThirdDataOnPostgres(true);
    expect(run.mailed, run.stderr).not.toContain(run.stoppedAt);
    expect(run.rows).toEqual([]);
    expect(run.open).toBe(0);
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);

  it('a reader who stayed is mailed once after the stop', async () => {
    const run = await stopAtThirdDataOnPostgres(false);
    expect(run.mailed.filter((email) => email === run.stoppedAt)).toHaveLength(1);
    expect(new Set(run.mailed).size).toBe(run.mailed.length);
    expect(run.rows).toEqual([{ status: 'sent' }]);
    expect(run.open).toBe(0);
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);
});
