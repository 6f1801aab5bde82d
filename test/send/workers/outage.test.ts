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
 * A send worker whose database is restarted under it (a maintenance restart, a failover): it stops
 * starting messages, waits for the database, records what it sent, and goes on. A cluster of its
 * own, since the shared one must stay up for the other suites.
 */
describePostgres('send workers: the database restarted mid-send', () => {
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
    const running = sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: cluster!.url, ROLECAST_TEST_WORKER_BATCH: '8' },
      ratePerSecond: 20,
      log: (line) => lines.push(line),
    });
    await expect.poll(() => smtp.counts.data, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(10);
    cluster!.halt('fast');
    // Longer than the pool's connection timeout (10 s) and the write retries (~6 s).
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    cluster!.resume();
    const report = await running;
    expect(
      // Seen by a claim or a write, or by the messages held for their look at the suppression list.
      lines.some((line) => /the database cannot be reached|could not read the suppression list/.test(line)),
      lines.join('\n'),
    ).toBe(true);
    expect(report.halted).toBeUndefined();
    expect(report.interrupted).toBeFalsy();
    expect(report.total.pending).toBe(0);
    // Every reader this issue has something for (the fixture gives some readers no roles it covers).
    const planned = report.total.planned;
    expect(planned).toBeGreaterThan(40);
    expect(report.total.sent).toBe(planned);

    const counts = new Map<string, number>();
    for (const m of await smtp.messages())
      for (const to of m.envelope.to) counts.set(canonicalAddress(to), (counts.get(canonicalAddress(to)) ?? 0) + 1);
    expect(counts.size).toBe(planned);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    const pool = await openPostgres(cluster!.url, { max: 1 });
    try {
      const ledger = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE status = 'sent'");
      expect(ledger.rows[0]!.n).toBe(planned);
    } finally {
      await pool.end();
    }
  }, 180_000);
});
