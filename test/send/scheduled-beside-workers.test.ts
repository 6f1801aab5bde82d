import { expect, it } from 'vitest';
import { canonicalAddress } from '../../src/address.js';
import { runScheduledSendCommand } from '../../src/schedule/index.js';
import { sendIssue } from '../../src/send/index.js';
import { heldWorkerSend } from '../helpers/held-worker-send.js';
import { perTest } from '../helpers/per-test.js';
import { describePostgres } from '../helpers/postgres.js';
import { captureStreams } from '../helpers/project.js';
import type { TestSmtpServer } from '../helpers/smtp.js';
import type { SendFixture } from './_fixture.js';
import { useWorkerDatabase } from './workers/_database.js';

/**
 * On PostgreSQL `send` runs as a cooperating worker and a scheduled send (`--at`) as the one
 * sender under the send lock. Workers do not start while that lock is held; a scheduled send
 * started while a worker of the issue was sending took the lock all the same and mailed the
 * readers the worker held and had not recorded yet, so they got the issue twice. It is now
 * refused while a worker of the issue is live, and sends nothing.
 */
describePostgres('a scheduled send started while a send worker of the issue runs', () => {
  const db = useWorkerDatabase('scheduled_beside_workers');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('is refused and sends nothing: each reader mailed once, by the worker', async () => {
    await db.pool.query('TRUNCATE deliveries, send_items, suppressions, locks CASCADE');
    const { options, release, dataEnded, smtp } = await heldWorkerSend(db, opened);
    const worker = sendIssue(options);
    // The worker holds its batch, its first message on the wire and its reply held.
    await dataEnded(1);
    const streams = captureStreams();
    const scheduling = runScheduledSendCommand({
      send: options,
      at: '2026-01-05T08:00',
      local: true,
      sendMissed: true,
      dryRun: false,
      stdout: streams.stdout,
      printReport: () => {},
    }).then(
      (code) => ({ code, error: undefined }),
      (error: unknown) => ({ code: undefined, error: error as Error & { code?: string } }),
    );
    // Refused at once; one that went ahead reaches the server with a message of its own, held as the worker's is.
    await Promise.race([scheduling, dataEnded(2)]);
    release();
    const scheduled = await scheduling;
    const report = await worker;
    const counts = new Map<string, number>();
    for (const m of await smtp.messages())
      for (const to of m.envelope.to) counts.set(canonicalAddress(to), (counts.get(canonicalAddress(to)) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    expect(counts.size).toBe(report.total.planned);
    expect(scheduled.error?.code, streams.out).toBe('E_LOCKED');
    expect(scheduled.error?.message).toMatch(/send worker/);
  }, 60_000);
});
