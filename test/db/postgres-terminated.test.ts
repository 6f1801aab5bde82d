import pg from 'pg';
import { expect, it } from 'vitest';
import { migrate, openPostgres, transaction } from '../../src/db/postgres.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * pg-pool hears a client's errors only while it is idle in the pool: a connection the server ends
 * while it is checked out must fail its queries, not end the process with an unheard 'error'.
 */
describePostgres('a connection the database ends while it is checked out of the pool', () => {
  const databaseUrl = useFreshDatabase('terminated');

  async function terminate(pid: number): Promise<void> {
    const admin = new pg.Client({ connectionString: databaseUrl() });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      // Until the server has closed it, so its end reaches the client before the next statement.
      for (let i = 0; i < 1000; i++) {
        const left = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
        if (left.rowCount === 0) break;
      }
    } finally {
      await admin.end();
    }
  }

  it('fails the transaction with E_STATE_UNAVAILABLE, and the pool goes on with a new connection', async () => {
    const pool = await openPostgres(databaseUrl(), { max: 1 });
    try {
      const failed = transaction(pool, async (client) => {
        const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await terminate(rows[0]!.pid);
        // The end arrives while no statement runs: between two of them.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await client.query('SELECT 1');
      });
      await expect(failed).rejects.toMatchObject({ code: 'E_STATE_UNAVAILABLE' });
      expect((await pool.query('SELECT 2 AS two')).rows[0].two).toBe(2);
    } finally {
      await pool.end();
    }
  });

  it('fails a migration whose connection ends while it holds the migration lock, and the next start applies it', async () => {
    const pool = await openPostgres(databaseUrl(), { max: 1 });
    const holder = new pg.Client({ connectionString: databaseUrl() });
    await holder.connect();
    try {
      // The first step waits for a lock held here, so its connection is ended inside the migration.
      await holder.query('SELECT pg_advisory_lock(4242)');
      const step = { version: 2, name: 'a table', sql: 'CREATE TABLE terminated_step (id INTEGER)' };
      const first = migrate(pool, 'terminated', [
        { version: 1, name: 'a wait', sql: 'SELECT pg_advisory_xact_lock(4242)' },
        step,
      ]).catch((error: unknown) => error);
      const waiting = async () =>
        (
          await holder.query<{ pid: number }>(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%pg_advisory_xact_lock(4242)%'",
          )
        ).rows.map((row) => row.pid);
      await expect.poll(waiting, { timeout: 30_000, interval: 10 }).toHaveLength(1);
      await terminate((await waiting())[0]!);
      expect(await first).toMatchObject({ code: 'E_STATE_UNAVAILABLE' });
      await holder.query('SELECT pg_advisory_unlock(4242)');
      expect(await migrate(pool, 'terminated', [{ version: 1, name: 'a wait', sql: 'SELECT 1' }, step])).toEqual([
        1, 2,
      ]);
    } finally {
      await holder.end();
      await pool.end();
    }
  });
});
