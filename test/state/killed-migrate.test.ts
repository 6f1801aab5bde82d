import pg from 'pg';
import { expect, it } from 'vitest';
import { describePostgres } from '../helpers/postgres.js';
import {
  expectEachOnce,
  killedAt,
  killHarness,
  type RunningCli,
  sentInSqlite,
  startCli,
  unrecorded,
  useKillDatabase,
} from '../send/_killed-send.js';

/**
 * A send killed mid-way on a SQLite state file, then `state migrate --to postgres://…` killed with
 * SIGKILL in the middle of its copy (held there by a lock on a table it copies late): the copy is
 * all or nothing, the same migration run again copies it whole, and a send from PostgreSQL then
 * finishes the issue with each reader mailed once, bar the first kill's message in flight.
 */

describePostgres('state migrate killed with SIGKILL mid-copy, then run again', { timeout: 180_000 }, () => {
  const harness = killHarness();
  const database = useKillDatabase('killed_migrate');

  it('copies nothing when killed, everything when run again; the send from PostgreSQL mails each reader once', async () => {
    const { fixture, sink, start, startWith, stateFile, readers } = await harness.setUp();
    const children = harness.children;
    const client = database.client();
    await killedAt(sink, start, (moment, n) => moment === 'accepted' && n === 15);
    const inFlight = unrecorded(await sink.accepted(), sentInSqlite(stateFile));
    const recorded = sentInSqlite(stateFile).size;

    // The target's tables made first, so the copy can be held at one of them.
    const made = await startCli(fixture, { DATABASE_URL: database.url() }, ['status', 'issues/2026-W48'], children)
      .done;
    expect(made.code, made.stderr).toBe(0);
    await client.query('BEGIN');
    await client.query('LOCK TABLE suppressions IN EXCLUSIVE MODE');
    await startCli(fixture, {}, ['suppress', 'add', 'gone@example.test'], children).done;
    const migrate = ['state', 'migrate', '--to', database.url()];
    const first = startCli(fixture, {}, migrate, children);
    await heldOnLock(database.url(), first);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    await client.query('ROLLBACK');
    const left = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries');
    expect(left.rows[0]!.n).toBe(0);

    const again = await startCli(fixture, {}, migrate, children).done;
    expect(again.code, again.stderr).toBe(0);
    const copied = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE status = 'sent'");
    expect(copied.rows[0]!.n).toBe(recorded);

    const send = await startWith({ DATABASE_URL: database.url() }).done;
    expect(send.code, send.stderr).toBe(0);
    await expectEachOnce(sink, readers, [inFlight]);
  });
});

/** Waits until a session of the database waits on a lock (the copy, held at the locked table). */
async function heldOnLock(url: string, running: RunningCli): Promise<void> {
  const watcher = new pg.Client({ connectionString: url });
  await watcher.connect();
  try {
    for (let polls = 0; polls < 1200; polls++) {
      if (running.child.exitCode !== null)
        throw new Error(`the migration ended before it was held:\n${running.stderr}`);
      const held = await watcher.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      if (held.rows.length > 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the migration never reached the locked table');
  } finally {
    await watcher.end();
  }
}
