import pg from 'pg';
import { expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * A send worker whose database drops every connection and refuses new ones for a few seconds (an
 * administrator closing it for maintenance, a pooler pausing it): "database … is not currently
 * accepting connections" is the database away for now, as a restart is. The worker waits for it
 * and goes on; every reader is mailed once.
 */
describePostgres('send workers: the database closed to connections for a while', () => {
  const db = useWorkerDatabase('closed_to_connections');
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

  it('waits until it takes connections again: the run completes, every reader once and recorded', async () => {
    const f = await sendFixture(60);
    opened.fixture = f;
    const smtp = await startSmtpServer();
    opened.smtp = smtp;
    const lines: string[] = [];
    const running = sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '6' },
      ratePerSecond: 20,
      log: (line) => lines.push(line),
    });
    await expect.poll(() => smtp.counts.data, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(8);
    await admin((name) => `ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin(
      (name) =>
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
    );
    // Longer than the write retries' first tries, shorter than a lease.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await admin((name) => `ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    const report = await running;
    expect(report.halted, lines.join('\n')).toBeUndefined();
    expect(report.interrupted, lines.join('\n')).toBeFalsy();
    expect(report.total.pending).toBe(0);
    const planned = report.total.planned;
    expect(planned).toBeGreaterThan(30);
    expect(report.total.sent).toBe(planned);

    const counts = new Map<string, number>();
    for (const m of await smtp.messages())
      for (const to of m.envelope.to) counts.set(canonicalAddress(to), (counts.get(canonicalAddress(to)) ?? 0) + 1);
    expect(counts.size).toBe(planned);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    const check = new pg.Client({ connectionString: db.url() });
    await check.connect();
    try {
      const ledger = await check.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM deliveries WHERE status = 'sent'",
      );
      expect(ledger.rows[0]!.n).toBe(planned);
    } finally {
      await check.end();
    }
  }, 120_000);
});
