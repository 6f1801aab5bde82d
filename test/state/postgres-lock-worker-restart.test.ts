import { expect, it } from 'vitest';
import { postgresLock } from '../../src/state/postgres/lock.js';
import { describePostgres } from '../helpers/postgres.js';
import { useWorkerDatabase } from '../send/workers/_database.js';

/**
 * A scheduled send (the one sender under the send lock) is refused while a send worker of the
 * issue is live. A worker whose lease ran out while the database was down (restarted, failed over)
 * keeps the readers it holds for one more lease after the server came back, as it may have sent
 * them and not recorded them yet; the other workers leave them alone meanwhile. The scheduled send
 * did not: right after a restart, before that worker's next heartbeat, it took the lock and mailed
 * those readers a second time. It is now refused while such a worker holds readers in that grace.
 */
describePostgres('the send lock right after the database restarted', () => {
  const db = useWorkerDatabase('lock_worker_restart');

  async function workerBeforeRestart(heldItem: boolean, stopped = false): Promise<void> {
    const { pool } = db;
    await pool.query('TRUNCATE send_items, send_workers, locks');
    const { rows } = await pool.query<{ now: string; started: string }>(
      `SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint AS now,
              (extract(epoch from pg_postmaster_start_time()) * 1000)::bigint AS started`,
    );
    const now = Number(rows[0]!.now);
    const started = Number(rows[0]!.started);
    // Its last beat two minutes before the server started; its lease runs out a minute ago, and the
    // grace (one lease from the server's start) a minute from now.
    const leaseMs = now - started + 60_000;
    const beat = started - 120_000;
    await pool.query(
      `INSERT INTO send_workers (worker_id, issue_id, channel, plan_id, host, pid, lease_ms, started_at, heartbeat_at, stopped_at)
       VALUES ('w1', '2026-W48', 'smtp', 'p1', 'mailer-2', 4242, $1, $2, $2, $3)`,
      [leaseMs, beat, stopped ? beat : null],
    );
    await pool.query(
      `INSERT INTO send_items (issue_id, channel, plan_id, seq, email, variant_id, lease_owner, lease_expires_at, done)
       VALUES ('2026-W48', 'smtp', 'p1', 1, 'ada@example.com', 'v1', $1, $2, false)`,
      [heldItem ? 'w1' : null, heldItem ? beat + leaseMs : null],
    );
  }

  it('is refused while a worker whose lease ran out in the outage holds readers', async () => {
    await workerBeforeRestart(true);
    const error = await postgresLock(db.pool, '2026-W48').then(
      (lock) => lock.release().then(() => undefined),
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error?.code).toBe('E_LOCKED');
    expect(error?.message).toMatch(/pid 4242 on mailer-2/);
    const { rows } = await db.pool.query('SELECT 1 FROM locks');
    expect(rows).toHaveLength(0);
  });

  it('is taken when that worker holds no reader, or stopped', async () => {
    await workerBeforeRestart(false);
    const lock = await postgresLock(db.pool, '2026-W48');
    await lock.release();
    await workerBeforeRestart(true, true);
    const again = await postgresLock(db.pool, '2026-W48');
    await again.release();
  });
});
