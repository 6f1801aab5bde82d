import { expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { openPostgres } from '../../../src/db/postgres.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * A transaction elsewhere that holds a lock the send needs for longer than a statement may take (a
 * `VACUUM FULL suppressions` after erasures, an editor's open `psql` session): the worker waits it
 * out as a database that does not answer, and no reader is mailed twice or left out.
 */
describePostgres('send workers: a long transaction holding the suppression list', () => {
  const db = useWorkerDatabase('held_lock');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('waits for the lock; every reader once and recorded', async () => {
    const f = await sendFixture(60);
    opened.fixture = f;
    const smtp = await startSmtpServer();
    opened.smtp = smtp;
    const lines: string[] = [];
    const url = `${db.url()}${db.url().includes('?') ? '&' : '?'}statement_timeout=1000`;
    const running = sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: url, ROLECAST_TEST_WORKER_BATCH: '5' },
      ratePerSecond: 20,
      log: (line) => lines.push(line),
    });
    await expect.poll(() => smtp.counts.data, { timeout: 60_000, interval: 20 }).toBeGreaterThanOrEqual(5);
    const holder = await openPostgres(db.url(), { max: 1 });
    const client = await holder.connect();
    try {
      await client.query('BEGIN');
      await client.query('LOCK TABLE suppressions IN ACCESS EXCLUSIVE MODE');
      await client.query('LOCK TABLE send_items IN ACCESS EXCLUSIVE MODE');
      await new Promise((resolve) => setTimeout(resolve, 4000));
      await client.query('COMMIT');
    } finally {
      client.release();
      await holder.end();
    }
    const report = await running;
    expect(report.halted, lines.join('\n')).toBeUndefined();
    // The lock outlasted the statements that waited on it.
    expect(lines.some((line) => /the database cannot be reached/.test(line))).toBe(true);
    expect(report.total.pending).toBe(0);
    expect(report.total.sent).toBe(report.total.planned);
    const counts = new Map<string, number>();
    for (const m of await smtp.messages())
      for (const to of m.envelope.to) counts.set(canonicalAddress(to), (counts.get(canonicalAddress(to)) ?? 0) + 1);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    expect(counts.size).toBe(report.total.planned);
  });
});
