import { afterEach, beforeEach, expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { eligible, sendEnv, sendFixture } from '../_fixture.js';
import { expectEachOnce, type KillSink, killHarness, startCli, useKillDatabase } from '../_killed-send.js';
import { until } from '../_waiting.js';

const SEND = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'];

/**
 * A worker claims its next batch while the last messages of the current one are on the wire. Its
 * ledger writes wait on a table lock from the first message on: over its one connection the server
 * may then hold one accepted message the ledger lacks, not one of each batch in flight, so the
 * worker killed there leaves one reader to be mailed again, as the README's "at most one a connection" says.
 */
describePostgres('a send worker whose ledger writes wait, at a batch boundary', { timeout: 180_000 }, () => {
  const harness = killHarness();
  const database = useKillDatabase('batch_overlap');
  let smtp: TestSmtpServer | undefined;
  beforeEach(() => {
    smtp = undefined;
  });
  afterEach(async () => {
    await smtp?.close();
  });

  it('completes no second message on its one connection until the first is recorded', async () => {
    const fixture = await sendFixture(12, { concurrency: 1 });
    const client = database.client();
    let dataStarts = 0;
    let dataEnds = 0;
    let locked!: () => void;
    // The first message's 250 waits until the ledger is locked: its row cannot be written before.
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    smtp = await startSmtpServer({
      faults: { holdData: lockTaken },
      onDataStart: () => dataStarts++,
      onDataEnd: () => {
        if (++dataEnds > 1) return;
        void client
          .query('BEGIN')
          .then(() => client.query('LOCK TABLE deliveries IN EXCLUSIVE MODE'))
          .then(() => locked());
      },
    });
    const env = {
      ...sendEnv(smtp.url()),
      DATABASE_URL: database.url(),
      // Batches of one reader: the next one starts as soon as the last has its message on the wire.
      ROLECAST_TEST_WORKER_BATCH: '2',
    };
    const worker = startCli(fixture, env, SEND, harness.children);
    // The first message's row waits on the lock, and the second message is on the wire.
    const waiting = async () =>
      (
        await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO deliveries%'`,
        )
      ).rows[0]!.n;
    // Three looks in a row find both: the second message's final dot, if it comes, has come by then.
    let settled = 0;
    await until(() => dataStarts >= 2, 'the second message on the wire', 120_000);
    while (dataEnds < 2 && settled < 3) {
      settled = (await waiting()) > 0 ? settled + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(dataEnds, 'messages the server took while the first was unrecorded').toBe(1);

    worker.child.kill('SIGKILL');
    await worker.done;
    await client.query('ROLLBACK');
    const again = await startCli(fixture, env, SEND, harness.children).done;
    expect(again.code, again.stderr).toBe(0);
    const sink = {
      accepted: async () => (await smtp!.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress)),
    } as KillSink;
    const first = (await smtp.messages())[0]!.envelope.to[0]!;
    await expectEachOnce(sink, await eligible(fixture), [new Set([first])]);
  });
});
