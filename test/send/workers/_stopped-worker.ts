import { spawn } from 'node:child_process';
import { expect } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import type { Pool } from '../../../src/db/postgres.js';
import { sendIssue } from '../../../src/send/index.js';
import { CLI } from '../../helpers/cli.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';

export const STOPPED_LEASE_MS = 3000;

export interface StoppedWorkerRun {
  /** The reader whose message the worker was stopped on. */
  stoppedAt: string;
  /** Readers whose messages the server took before the stop (their rows may be unwritten yet). */
  earlier: string[];
  copies: Map<string, number>;
  twice: string[];
  /** The stopped worker's output and exit code once woken. */
  stderr: string;
  code: number | null;
  /** The other worker's log lines. */
  otherLog: string[];
}

/**
 * Worker A (a `rolecast send` process, one connection, batches of 5) stopped with SIGSTOP at its
 * third message: as the server gets DATA, before its 354 (`at: 'data'`), or once the server has
 * the message's end of data, its 250 held back a moment (`at: 'end of data'`). Meanwhile its lease
 * runs out and worker B (in this process) takes its readers over and finishes the plan; then A is
 * woken (SIGCONT) and runs to its end. Clears the suite's plan and ledger first.
 */
export async function stopThirdAndTakeOver(
  db: { url(): string; pool: Pool },
  opened: { smtp?: TestSmtpServer; fixture?: SendFixture },
  at: 'data' | 'end of data',
  args: string[] = [],
): Promise<StoppedWorkerRun> {
  // A plan or ledger left by an attempt before would give this worker nobody to send.
  await db.pool.query(
    'DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM send_workers; DELETE FROM deliveries; DELETE FROM runs',
  );
  const f = await sendFixture(30);
  opened.fixture = f;
  let messages = 0;
  let stoppedAt: string | undefined;
  // Taken before the stop, recorded only with their batch: the other worker may send them again (see README).
  const earlier: string[] = [];
  let pid = 0;
  const stopOnThird = (to: string[]) => {
    if (++messages < 3) earlier.push(canonicalAddress(to[0]!));
    if (messages !== 3 || !pid) return;
    stoppedAt = canonicalAddress(to[0]!);
    process.kill(pid, 'SIGSTOP');
  };
  const smtp = await startSmtpServer(
    at === 'data'
      ? // Called as DATA comes in, before the 354 goes back: the worker is stopped waiting for it.
        { onDataStart: stopOnThird }
      : // Called once the end of data is in, before the 250 goes back a moment later.
        { onDataEnd: stopOnThird, faults: { lateReplyOnData: { numbers: [3], ms: 300 } } },
  );
  opened.smtp = smtp;
  const env = {
    ...sendEnv(smtp.url()),
    DATABASE_URL: db.url(),
    ROLECAST_TEST_LEASE_MS: String(STOPPED_LEASE_MS),
    ROLECAST_TEST_WORKER_BATCH: '5',
  };
  const worker = startOneConnectionWorker(f, env, args);
  const { child, exited } = worker;
  pid = child.pid!;
  const otherLog: string[] = [];
  try {
    await expect.poll(() => stoppedAt, { timeout: 60_000 }).toBeDefined();
    // The other worker waits out the stopped one's lease, then sends its readers, the stopped reader among them.
    const other = await sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env,
      ratePerSecond: 0,
      log: (line) => otherLog.push(line),
    });
    expect(other.interrupted).toBe(false);
    const { rows } = await db.pool.query<{ open: number }>(
      'SELECT count(*)::int AS open FROM send_items WHERE NOT done',
    );
    expect(rows[0]!.open).toBe(0);
  } finally {
    child.kill('SIGCONT');
  }
  const code = await exited;
  const copies = new Map<string, number>();
  for (const m of await smtp.messages())
    for (const to of m.envelope.to) copies.set(canonicalAddress(to), (copies.get(canonicalAddress(to)) ?? 0) + 1);
  const twice = [...copies].filter(([, n]) => n > 1).map(([email]) => email);
  return { stoppedAt: stoppedAt!, earlier, copies, twice, stderr: worker.stderr, code, otherLog };
}

export interface StoppedAtData {
  stoppedAt: string;
  /** Every address the server took a message for, once per message. */
  mailed: string[];
  code: number | null;
  stderr: string;
}

/**
 * `rolecast send` over one connection stopped with SIGSTOP as the server gets its third DATA,
 * before its 354, for more than the second a look at the suppression list is good for (far within
 * a lease); `suppress` is given that reader meanwhile, as `serve` would be. Then woken, run to its end.
 */
export async function stopAtThirdData(
  opened: { smtp?: TestSmtpServer; fixture?: SendFixture },
  env: NodeJS.ProcessEnv,
  suppress?: (fixture: SendFixture, email: string) => unknown,
): Promise<StoppedAtData> {
  const f = await sendFixture(12);
  opened.fixture = f;
  let data = 0;
  let pid = 0;
  let stoppedAt: string | undefined;
  const smtp = await startSmtpServer({
    onDataStart: (to) => {
      if (++data !== 3 || !pid) return;
      stoppedAt = canonicalAddress(to[0]!);
      process.kill(pid, 'SIGSTOP');
    },
  });
  opened.smtp = smtp;
  const worker = startOneConnectionWorker(f, { ...sendEnv(smtp.url()), ...env });
  const { child, exited } = worker;
  pid = child.pid!;
  try {
    await expect.poll(() => stoppedAt, { timeout: 60_000 }).toBeDefined();
    const stoppedSince = Date.now();
    await suppress?.(f, stoppedAt!);
    // Stopped past the second a look is good for.
    await expect.poll(() => Date.now() - stoppedSince, { timeout: 10_000, interval: 100 }).toBeGreaterThan(2500);
  } finally {
    child.kill('SIGCONT');
  }
  const code = await exited;
  const mailed = (await smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
  return { stoppedAt: stoppedAt!, mailed, code, stderr: worker.stderr };
}

/** `rolecast send` over one connection, as a process of its own (one SIGSTOP can stop). */
export function startOneConnectionWorker(f: SendFixture, env: NodeJS.ProcessEnv, args: string[] = []) {
  const child = spawn(
    process.execPath,
    [CLI, 'send', f.issueDir, '--subscribers', f.subscribersFile, '--concurrency', '1', ...args],
    { cwd: f.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const worker = {
    child,
    stderr: '',
    exited: new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))),
  };
  child.stderr!.on('data', (chunk) => {
    worker.stderr += chunk;
  });
  return worker;
}
