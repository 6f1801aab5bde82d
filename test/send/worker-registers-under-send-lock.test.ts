import { afterAll, expect, it, vi } from 'vitest';
import { perTest } from '../helpers/per-test.js';
import { describePostgres } from '../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { useWorkerDatabase } from './workers/_database.js';

/**
 * On PostgreSQL a send worker looks at the one-sender lock as it starts and registers in the
 * queue a moment later. A scheduled send (`send --at`) that took the lock in between saw no worker
 * and sent, and so did the worker: readers got the issue twice. The worker now looks again where it
 * registers, under the lock's own advisory lock, and is refused there, sending nothing.
 */

/** Held open after the worker's first look at the lock, while the test takes the lock as a scheduled send would. */
const gap = { wait: undefined as Promise<void> | undefined, reached: () => {} };

vi.mock('../../src/send/workers/send-lock-check.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/send/workers/send-lock-check.js')>();
  return {
    ...real,
    refuseWhileLocked: async (...args: Parameters<typeof real.refuseWhileLocked>) => {
      await real.refuseWhileLocked(...args);
      gap.reached();
      await gap.wait;
    },
  };
});

// Test files share one module registry: modules loaded before the mock would keep the real check.
vi.resetModules();
const { sendIssue } = await import('../../src/send/index.js');
const { postgresLock } = await import('../../src/state/postgres/lock.js');

afterAll(() => {
  vi.doUnmock('../../src/send/workers/send-lock-check.js');
  vi.resetModules();
});

describePostgres('a scheduled send taking the send lock while a worker starts', () => {
  const db = useWorkerDatabase('worker_under_send_lock');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('keeps the worker out where it registers: it sends nothing', async () => {
    await db.pool.query('TRUNCATE deliveries, send_items, send_workers, suppressions, locks CASCADE');
    const f = await sendFixture(5, { concurrency: 1 });
    opened.fixture = f;
    opened.smtp = await startSmtpServer();
    let open = () => {};
    gap.wait = new Promise<void>((resolve) => {
      open = resolve;
    });
    const reached = new Promise<void>((resolve) => {
      gap.reached = resolve;
    });
    const worker = sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(opened.smtp.url()), DATABASE_URL: db.url() },
      ratePerSecond: 0,
      lateSuppressionCheckMs: 60_000,
    }).then(
      (report) => ({ report, error: undefined }),
      (error: unknown) => ({ report: undefined, error: error as Error & { code?: string } }),
    );
    await reached;
    // The scheduled send takes the lock: no worker has registered yet.
    const lock = await postgresLock(db.pool, '2026-W48');
    open();
    const outcome = await worker;
    await lock.release();
    expect(outcome.error?.code, String(outcome.error?.stack)).toBe('E_LOCKED');
    expect(await opened.smtp.messages()).toHaveLength(0);
    const { rows } = await db.pool.query('SELECT 1 FROM send_workers WHERE stopped_at IS NULL');
    expect(rows).toHaveLength(0);
  }, 60_000);
});
