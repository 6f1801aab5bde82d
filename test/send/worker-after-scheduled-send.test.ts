import { expect, it } from 'vitest';
import { canonicalAddress } from '../../src/address.js';
import { runScheduledSendCommand } from '../../src/schedule/index.js';
import { type SendReport, sendIssue } from '../../src/send/index.js';
import { perTest } from '../helpers/per-test.js';
import { describePostgres } from '../helpers/postgres.js';
import { captureStreams } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { useWorkerDatabase } from './workers/_database.js';

/**
 * On PostgreSQL `send` runs as cooperating workers that share a plan; one stopped (Ctrl-C) leaves
 * it open. A scheduled send (`send --at`) run then, with no worker live, mails the readers not
 * recorded as sent. Workers started afterwards joined the open plan and mailed its open items
 * again, readers the scheduled send had just mailed: they got the issue twice. Those items are
 * now done without a message, and each reader is mailed once.
 */
describePostgres('a send resumed by workers after a scheduled send finished what they left', () => {
  const db = useWorkerDatabase('worker_after_scheduled');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('mails each reader once', async () => {
    await db.pool.query('TRUNCATE deliveries, send_items, send_plans, send_workers, suppressions, locks CASCADE');
    const f = await sendFixture(5, { concurrency: 1 });
    opened.fixture = f;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let dataEnded = 0;
    opened.smtp = await startSmtpServer({ faults: { holdData: held }, onDataEnd: () => dataEnded++ });
    const options = {
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(opened.smtp.url()), DATABASE_URL: db.url() },
      ratePerSecond: 0,
      lateSuppressionCheckMs: 60_000,
    };
    const stop = new AbortController();
    const first = sendIssue({ ...options, signal: stop.signal });
    await expect.poll(() => dataEnded, { timeout: 20_000, interval: 5 }).toBeGreaterThanOrEqual(1);
    stop.abort();
    release();
    const interrupted = await first;
    const streams = captureStreams();
    const code = await runScheduledSendCommand({
      send: options,
      at: '2026-01-05T08:00',
      local: true,
      sendMissed: true,
      dryRun: false,
      stdout: streams.stdout,
      printReport: () => {},
    }).catch((e: unknown) => e);
    const resumed = await sendIssue(options).catch((e: unknown) => e);
    const counts = new Map<string, number>();
    for (const m of await opened.smtp.messages())
      for (const to of m.envelope.to) counts.set(canonicalAddress(to), (counts.get(canonicalAddress(to)) ?? 0) + 1);
    expect(interrupted.total.sent, streams.out).toBeGreaterThanOrEqual(1);
    expect(code, streams.out).toBe(0);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(counts.size).toBe(5);
    expect((resumed as SendReport).total.sent).toBe(0);
    const { rows } = await db.pool.query('SELECT count(*)::int AS open FROM send_items WHERE NOT done');
    expect(rows[0].open).toBe(0);
  }, 60_000);
});
