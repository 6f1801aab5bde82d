import { afterEach, beforeEach, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { describePostgres } from '../../helpers/postgres.js';
import { eligible, generateSubscribers, type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { type RawServer, startRawServer } from '../_raw-smtp.js';
import { useWorkerDatabase } from './_database.js';

const RCPT = /^RCPT TO:<([^>]*)>/i;
const UNROUTEABLE = '550 Unrouteable address';

/** `count` readers, those from `from` to `to` (by index) of the domain gone.example. */
const withDeadDomain = (count: number, from: number, to: number) =>
  generateSubscribers(count).map((s, i) =>
    i >= from && i < to ? { ...s, email: s.email.replace('example.test', 'gone.example') } : s,
  );

describePostgres('send workers: a dead domain over several batches', () => {
  const db = useWorkerDatabase('dead_domain_batches');
  let server: RawServer | undefined;
  let fixture: SendFixture | undefined;
  // Every test sends the same issue to the same addresses: an earlier test's rows would skip them.
  beforeEach(async () => {
    await db.pool.query('TRUNCATE deliveries, send_items CASCADE');
  });
  afterEach(async () => {
    await server?.close();
    await fixture?.cleanup();
    server = fixture = undefined;
  });

  /** `rolecast send --json` as a worker claiming `batch` readers at once: exit code, report, ledger. */
  const send = async (f: SendFixture, batch: number) => {
    const result = await runCli(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'], {
      cwd: f.dir,
      env: { ...sendEnv(server!.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: String(batch) },
    });
    const rows = await db.pool.query<{ email: string; status: string }>(
      'SELECT email, status FROM deliveries ORDER BY email',
    );
    const report = result.stdout ? JSON.parse(result.stdout) : undefined;
    return { code: result.code, report, stderr: result.stderr, ledger: rows.rows.map((r) => [r.email, r.status]) };
  };

  // Two connections keep two batches in flight: one's acceptance decides the refusals another held.
  it.each([
    [1, 4, 10, 48],
    [1, 40, 10, 48],
    [2, 3, 10, 48],
    [2, 5, 10, 45],
    [2, 4, 12, 44],
  ])(
    '%i connection(s), batches of %i, readers %i to %i of one gone domain: they fail, the readers after them are sent, nothing is left open, and a second run sends nobody again',
    async (concurrency, batch, from, to) => {
      fixture = await sendFixture(70, { concurrency }, withDeadDomain(70, from, to));
      const expected = await eligible(fixture);
      const dead = expected.filter((email) => email.endsWith('@gone.example'));
      expect(dead.length).toBeGreaterThanOrEqual(20);
      server = await startRawServer({
        command: (line) => (RCPT.exec(line)?.[1]?.endsWith('@gone.example') ? `${UNROUTEABLE}\r\n` : undefined),
      });
      const first = await send(fixture, batch);
      expect(first.report?.aborted, first.stderr).toBeUndefined();
      expect(first.stderr).not.toContain('lost the lease');
      expect(first.ledger).toEqual(expected.map((email) => [email, dead.includes(email) ? 'failed' : 'sent']));
      expect((await db.pool.query('SELECT seq FROM send_items WHERE NOT done')).rows).toEqual([]);
      const second = await send(fixture, batch);
      expect(second.report.total).toMatchObject({ sent: 0, failed: 0 });
      expect(server.messages.map((m) => m.to[0]).sort()).toEqual(expected.filter((email) => !dead.includes(email)));
    },
    120_000,
  );

  it.each([
    [1, 4],
    [2, 4],
    [1, 6],
  ])(
    '%i connection(s), batches of %i, 38 readers of one gone domain in a row: at every recipient the worker holds no more leases than its batch size, and the gone readers fail',
    async (concurrency, batch) => {
      fixture = await sendFixture(70, { concurrency }, withDeadDomain(70, 10, 48));
      const expected = await eligible(fixture);
      // Read as each recipient is answered, while the worker waits for the answer.
      const held: number[] = [];
      server = await startRawServer({
        // No PIPELINING: each command waits for its reply, so a reply written late holds the worker.
        ehlo: () => '250-raw.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n',
        command: (line, session) => {
          const to = RCPT.exec(line)?.[1];
          if (!to) return undefined;
          void db.pool
            .query<{ n: number }>(
              'SELECT count(*)::int AS n FROM send_items WHERE NOT done AND lease_owner IS NOT NULL',
            )
            .then(({ rows }) => {
              held.push(rows[0]!.n);
              const gone = to.endsWith('@gone.example');
              if (!gone) session.to.push(to);
              session.write(gone ? '550 Unrouteable address\r\n' : '250 2.1.5 ok\r\n');
            });
          return null;
        },
      });
      const result = await runCli(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'], {
        cwd: fixture.dir,
        env: { ...sendEnv(server.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: String(batch) },
      });
      // The gone readers failed, so exit 3; nothing aborted.
      expect(result.code, result.stderr).toBe(3);
      expect(JSON.parse(result.stdout).aborted, result.stderr).toBeUndefined();
      const { rows } = await db.pool.query<{ email: string; status: string }>(
        'SELECT email, status FROM deliveries ORDER BY email',
      );
      expect(rows.map((r) => [r.email, r.status])).toEqual(
        expected.map((email) => [email, email.endsWith('@gone.example') ? 'failed' : 'sent']),
      );
      expect(held.length).toBeGreaterThanOrEqual(expected.length);
      expect(Math.max(...held), `leases held at each recipient: ${held.join(' ')}`).toBeLessThanOrEqual(batch);
    },
    120_000,
  );

  // A greylisted reader goes back to the plan for any worker to try after the wait: this worker
  // cannot tell yet, and says so rather than that no reader of another domain is left.
  it('thirty readers of one gone domain in a row, batches of four, the readers of the other domain after them greylisted: the send aborts saying they wait, nobody failed', async () => {
    fixture = await sendFixture(70, { concurrency: 1, greylistRetryMs: 60_000 }, withDeadDomain(70, 10, 48));
    server = await startRawServer({
      command: (line) => {
        const to = RCPT.exec(line)?.[1];
        if (to?.endsWith('@gone.example')) return `${UNROUTEABLE}\r\n`;
        return to && to >= 'reader00048' ? '451 4.7.1 Greylisted, please try again later\r\n' : undefined;
      },
    });
    const { code, report, ledger } = await send(fixture, 4);
    expect(code).toBe(3);
    expect(report.aborted).toMatch(
      /all to readers of gone\.example, and the \d+ reader\(s\) of other domains tried since were greylisted: run the same command again once their wait is over/,
    );
    expect(report.aborted).not.toContain('no reader of another domain left');
    expect(ledger.filter(([, status]) => status === 'failed')).toEqual([]);
  }, 120_000);

  it('every reader of two domains refused in words of an unknown mailbox, batches of four: the send aborts, nobody failed', async () => {
    fixture = await sendFixture(70, { concurrency: 1 }, withDeadDomain(70, 10, 48));
    server = await startRawServer({ command: (line) => (RCPT.test(line) ? `${UNROUTEABLE}\r\n` : undefined) });
    const { code, report, ledger, stderr } = await send(fixture, 4);
    expect(code, stderr).toBe(3);
    expect(report.aborted).toContain(UNROUTEABLE);
    expect(report.total).toMatchObject({ sent: 0, failed: 0 });
    expect(ledger.filter(([, status]) => status === 'failed')).toEqual([]);
    expect(server.messages).toEqual([]);
  }, 120_000);
});
