import pg from 'pg';
import { expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { planAudience } from '../../../src/group/index.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

const UNREAD = 'could not read the suppression list again during the send';

/**
 * A send on PostgreSQL reads the suppression list right before each message, so an unsubscribe
 * `serve` committed on another host stops it. A worker cut off from the database cannot make that
 * look: its messages must wait for it, never go out unchecked, and every reader is mailed once in
 * the end (by the same run once the database answers, or by the next run).
 */
describePostgres('send workers: the suppression list unreadable right before a message', () => {
  const db = useWorkerDatabase('look_unreadable');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  /** As the cluster's administrator: the test database by name. */
  const admin = async (sql: (name: string) => string) => {
    const url = new URL(db.url());
    const name = decodeURIComponent(url.pathname.slice(1));
    url.pathname = '/postgres';
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(sql(name));
    } finally {
      await client.end();
    }
  };
  const closeDatabase = async () => {
    await admin((name) => `ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin(
      (name) =>
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
    );
  };
  const openDatabase = () => admin((name) => `ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);

  /** A server whose first reply waits for `release`, and which notes any message taken while `closed()`. */
  const heldServer = async (closed: () => boolean) => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let dataEnded = 0;
    const unchecked: string[][] = [];
    const smtp = await startSmtpServer({
      faults: { holdData: held },
      onDataEnd: (to) => {
        dataEnded++;
        if (closed()) unchecked.push(to);
      },
    });
    return { smtp, release, unchecked, dataEnded: () => dataEnded };
  };

  const mailedOnce = async (smtp: TestSmtpServer) => {
    const counts = new Map<string, number>();
    for (const m of await smtp.messages())
      for (const to of m.envelope.to) counts.set(canonicalAddress(to), (counts.get(canonicalAddress(to)) ?? 0) + 1);
    return counts;
  };

  const ledgerSent = async () => {
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM deliveries WHERE status = 'sent'",
    );
    return rows[0]!.n;
  };

  it('holds every message while the look fails and sends them once it succeeds: each reader once', async () => {
    await db.pool.query('TRUNCATE deliveries, send_items, suppressions CASCADE');
    const f = await sendFixture(5, { concurrency: 1 });
    opened.fixture = f;
    let closed = false;
    const server = await heldServer(() => closed);
    opened.smtp = server.smtp;
    const lines: string[] = [];
    const running = sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(server.smtp.url()), DATABASE_URL: db.url() },
      ratePerSecond: 0,
      // Only the look right before each message reads the list.
      lateSuppressionCheckMs: 60_000,
      log: (line) => lines.push(line),
    });
    // The first message is on the wire, its reply held; the next waits for its turn.
    await expect.poll(() => server.dataEnded(), { timeout: 20_000, interval: 2 }).toBeGreaterThanOrEqual(1);
    await closeDatabase();
    closed = true;
    server.release();
    // The next message's look was tried and failed; a message sent unchecked reaches the server
    // within milliseconds, and the look is tried again meanwhile.
    await expect.poll(() => lines.some((line) => line.includes(UNREAD)), { timeout: 20_000, interval: 10 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(server.unchecked).toEqual([]);
    closed = false;
    await openDatabase();
    const report = await running;
    expect(server.unchecked, lines.join('\n')).toEqual([]);
    expect(report.stopped, lines.join('\n')).toBeUndefined();
    const planned = report.total.planned;
    expect(report.total.sent).toBe(planned);
    const counts = await mailedOnce(server.smtp);
    expect(counts.size).toBe(planned);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(await ledgerSent()).toBe(planned);
  }, 60_000);

  it('past its patience starts nothing more and says why; the next run mails each reader left once', async () => {
    await db.pool.query('TRUNCATE deliveries, send_items, suppressions CASCADE');
    const f = await sendFixture(5, { concurrency: 1 });
    opened.fixture = f;
    let closed = false;
    const server = await heldServer(() => closed);
    opened.smtp = server.smtp;
    const lines: string[] = [];
    const options = {
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(server.smtp.url()), DATABASE_URL: db.url() },
      ratePerSecond: 0,
      lateSuppressionCheckMs: 60_000,
      // The first failed look is the last.
      lookPatienceMs: 0,
      log: (line: string) => lines.push(line),
    };
    const running = sendIssue(options);
    await expect.poll(() => server.dataEnded(), { timeout: 20_000, interval: 2 }).toBeGreaterThanOrEqual(1);
    await closeDatabase();
    closed = true;
    server.release();
    await expect.poll(() => lines.some((line) => line.includes(UNREAD)), { timeout: 20_000, interval: 10 }).toBe(true);
    closed = false;
    // The worker records what it sent once the database answers again.
    await openDatabase();
    const first = await running;
    expect(server.unchecked, lines.join('\n')).toEqual([]);
    expect(first.stopped, lines.join('\n')).toMatch(/suppression list/);
    expect(first.total.sent).toBe(1);
    expect(first.total.pending).toBeGreaterThan(0);

    const second = await sendIssue(options);
    expect(second.stopped, lines.join('\n')).toBeUndefined();
    const project = await f.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const readers = plan.recipients.map((r) => canonicalAddress(r.subscriber.email)).sort();
    const counts = await mailedOnce(server.smtp);
    expect([...counts.keys()].sort()).toEqual(readers);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(await ledgerSent()).toBe(readers.length);
  }, 60_000);
});
