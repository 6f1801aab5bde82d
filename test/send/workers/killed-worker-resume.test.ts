import { expect, it } from 'vitest';
import { describePostgres } from '../../helpers/postgres.js';
import {
  expectEachOnce,
  type KillSink,
  killedAt,
  killHarness,
  type RunningCli,
  unrecorded,
  useKillDatabase,
} from '../_killed-send.js';

/**
 * Two `rolecast send` workers on one PostgreSQL plan, ~40 readers; one (then the other) killed with
 * SIGKILL at a chosen moment. The plan is finished by the worker left, or by the same command run
 * again, and only a reader the dead worker held leased and unfinished may get a second copy.
 */

describePostgres('send workers killed with SIGKILL, then run again', { timeout: 180_000 }, () => {
  const harness = killHarness();
  const database = useKillDatabase('killed_worker');
  const client = () => database.client();
  const setUp = (env: NodeJS.ProcessEnv = {}) =>
    harness.setUp({
      concurrency: 2,
      env: { DATABASE_URL: database.url(), ROLECAST_TEST_LEASE_MS: '3000', ROLECAST_TEST_WORKER_BATCH: '5', ...env },
    });

  /** The readers a dead worker held leased and not done: the only ones another worker may mail again. */
  async function heldBy(worker: RunningCli): Promise<Set<string>> {
    const rows = await client().query<{ email: string }>(
      `SELECT i.email FROM send_items i JOIN send_workers w ON w.worker_id = i.lease_owner
        WHERE w.pid = $1 AND NOT i.done`,
      [worker.child.pid],
    );
    const held = new Set(rows.rows.map((r) => r.email));
    expect(held.size).toBeLessThanOrEqual(10);
    return held;
  }

  /** Each reader once (bar `mayRepeat`), and every one of them recorded sent. */
  async function expectDone(sink: KillSink, readers: string[], mayRepeat: Set<string>[]) {
    await expectEachOnce(sink, readers, mayRepeat);
    const ledger = await client().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM deliveries WHERE status = 'sent'",
    );
    expect(ledger.rows[0]!.n).toBe(readers.length);
  }

  it('a lone worker killed mid-batch leaves unrecorded no more than one message a connection', async () => {
    const { sink, start, readers } = await setUp({ ROLECAST_TEST_WORKER_BATCH: '' });
    // One batch of the default size holds every reader: the kill comes in its middle.
    await killedAt(sink, start, (moment, n) => moment === 'accepted' && n === 20);
    const recorded = await client().query<{ email: string }>("SELECT email FROM deliveries WHERE status = 'sent'");
    const missed = unrecorded(await sink.accepted(), new Set(recorded.rows.map((r) => r.email)));
    expect(missed.size).toBeLessThanOrEqual(2);

    const again = await start().done;
    expect(again.code, again.stderr).toBe(0);
    // It says a message the killed worker had in flight may have gone out again.
    expect(again.stderr).toMatch(
      /notice: \d+ reader\(s\) were taken over from a worker that stopped without finishing them/,
    );
    expect(again.stderr).toContain(
      'at most one a connection of it, may have been sent again now, with the same Message-ID',
    );
    await expectDone(sink, readers, [missed]);
  });

  it('one of two killed right after a message was accepted: the other finishes the plan', async () => {
    const { sink, start, readers } = await setUp();
    const other = start();
    const victim = await killedAt(sink, start, (moment, n) => moment === 'accepted' && n === 10);
    const held = await heldBy(victim);

    const ended = await other.done;
    expect(ended.code, ended.stderr).toBe(0);
    await expectDone(sink, readers, [held]);
  });

  it('both killed, one while its outcomes wait on a table lock: the same command run again finishes', async () => {
    const { sink, start, readers } = await setUp();
    const first = await killedAt(sink, start, (moment, n) => moment === 'data-end' && n === 6);
    const firstHeld = await heldBy(first);

    // The second worker's outcome writes wait on this lock; it is killed while they wait.
    let locked = false;
    const second = await killedAt(sink, start, (moment, n) => {
      if (moment !== 'accepted' || n < 14) return false;
      if (!locked) {
        locked = true;
        void client()
          .query('BEGIN')
          .then(() => client().query('LOCK TABLE deliveries IN EXCLUSIVE MODE'));
        return false;
      }
      return n > 14;
    });
    await client().query('ROLLBACK');
    const secondHeld = await heldBy(second);

    const third = await start().done;
    expect(third.code, third.stderr).toBe(0);
    await expectDone(sink, readers, [firstHeld, secondHeld]);
  });
});
