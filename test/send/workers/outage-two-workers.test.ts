import { afterAll, beforeAll, expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { openPostgres } from '../../../src/db/postgres.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { type Cluster, postgresBin, startCluster } from '../../helpers/pg-cluster.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';

/**
 * Two send workers whose database is restarted under them while both hold leases: each waits for
 * the database and records what it sent; the leases that ran out meanwhile are kept for their
 * holder after the restart, so neither takes the other's readers. A cluster of its own.
 */
describePostgres('send workers: the database restarted under two workers', () => {
  let cluster: Cluster | undefined;
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);
  beforeAll(async () => {
    const bin = postgresBin();
    if (!bin) throw new Error('PostgreSQL binaries are needed for this suite (Debian package postgresql)');
    cluster = await startCluster(bin);
  }, 120_000);
  afterAll(() => cluster?.stop());

  it('waits out a restart of the database: the run completes, every reader once and recorded', async () => {
    const f = await sendFixture(80);
    opened.fixture = f;
    const smtp = await startSmtpServer();
    opened.smtp = smtp;
    const lines: string[] = [];
    const worker = () =>
      sendIssue({
        issueDir: f.issueDir,
        subscribersFile: f.subscribersFile,
        cwd: f.dir,
        env: { ...sendEnv(smtp.url()), DATABASE_URL: cluster!.url, ROLECAST_TEST_WORKER_BATCH: '8' },
        ratePerSecond: 20,
        log: (line) => lines.push(line),
      });
    const running = Promise.all([worker(), worker()]);
    await expect.poll(() => smtp.counts.data, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(10);
    cluster!.halt('fast');
    // Longer than the pool's connection timeout (10 s) and the write retries (~6 s).
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    cluster!.resume();
    const reports = await running;
    expect(
      // Seen by a claim or a write, or by the messages held for their look at the suppression list.
      lines.some((line) => /the database cannot be reached|could not read the suppression list/.test(line)),
      lines.join('\n'),
    ).toBe(true);
    for (const report of reports) {
      expect(report.halted, lines.join('\n')).toBeUndefined();
      expect(report.interrupted, lines.join('\n')).toBeFalsy();
    }
    const counts = new Map<string, number>();
    for (const m of await smtp.messages())
      for (const to of m.envelope.to) counts.set(canonicalAddress(to), (counts.get(canonicalAddress(to)) ?? 0) + 1);
    // Every reader this issue has something for (the fixture gives some readers no roles it covers), once.
    const planned = counts.size;
    expect(planned).toBeGreaterThan(40);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(reports[0]!.total.sent + reports[1]!.total.sent).toBe(planned);
    const pool = await openPostgres(cluster!.url, { max: 1 });
    try {
      const ledger = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE status = 'sent'");
      expect(ledger.rows[0]!.n).toBe(planned);
      // Nobody of the plan is left: every item done, and each one's reader mailed.
      const items = await pool.query<{ n: number; open: number }>(
        'SELECT count(*)::int AS n, (count(*) FILTER (WHERE NOT done))::int AS open FROM send_items',
      );
      expect(items.rows[0]).toEqual({ n: planned, open: 0 });
    } finally {
      await pool.end();
    }
  }, 180_000);
});
