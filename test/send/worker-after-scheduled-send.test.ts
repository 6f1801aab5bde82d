import { expect, it } from 'vitest';
import { canonicalAddress } from '../../src/address.js';
import { runScheduledSendCommand } from '../../src/schedule/index.js';
import { type SendReport, sendIssue } from '../../src/send/index.js';
import { heldWorkerSend } from '../helpers/held-worker-send.js';
import { perTest } from '../helpers/per-test.js';
import { describePostgres } from '../helpers/postgres.js';
import { captureStreams } from '../helpers/project.js';
import type { TestSmtpServer } from '../helpers/smtp.js';
import type { SendFixture } from './_fixture.js';
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
    const { options, release, dataEnded, smtp } = await heldWorkerSend(db, opened);
    const stop = new AbortController();
    const first = sendIssue({ ...options, signal: stop.signal });
    await dataEnded(1);
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
    for (const m of await smtp.messages())
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
