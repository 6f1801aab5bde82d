import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { sendIssue } from '../../../src/send/index.js';
import { CLI } from '../../helpers/cli.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

const LEASE_MS = 3000;

/**
 * A worker process stopped (SIGSTOP: a suspended VM, a long pause) after its message's envelope
 * went out and before the server's 354 came back: meanwhile its lease runs out, another worker
 * takes the reader over and mails them. Woken (SIGCONT), the stopped worker used to write the
 * message and its dot on the 354 it found waiting, and the reader got a second copy. Its lease is
 * now asked again right before the data goes: found stale, the message is withheld (no dot).
 */
describePostgres('send workers: a worker stopped between its envelope and its data', () => {
  const db = useWorkerDatabase('paused_before_data');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  /** Worker A (a process) stopped at its third DATA; worker B sends; A woken: how many copies each reader got. */
  const stopThirdAndTakeOver = async (args: string[]) => {
    // A plan or ledger left by an attempt before would give this worker nobody to send.
    await db.pool.query(
      'DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM send_workers; DELETE FROM deliveries; DELETE FROM runs',
    );
    const f = await sendFixture(30);
    opened.fixture = f;
    let dataCommands = 0;
    let stoppedAt: string | undefined;
    // Taken before the stop, recorded only with their batch: the other worker may send them again (see README).
    const earlier: string[] = [];
    let pid = 0;
    const smtp = await startSmtpServer({
      // Called as DATA comes in, before the 354 goes back: the worker is stopped waiting for it.
      onDataStart: (to) => {
        if (++dataCommands < 3) earlier.push(canonicalAddress(to[0]!));
        if (dataCommands !== 3 || !pid) return;
        stoppedAt = canonicalAddress(to[0]!);
        process.kill(pid, 'SIGSTOP');
      },
    });
    opened.smtp = smtp;
    const env = {
      ...sendEnv(smtp.url()),
      DATABASE_URL: db.url(),
      ROLECAST_TEST_LEASE_MS: String(LEASE_MS),
      ROLECAST_TEST_WORKER_BATCH: '5',
    };
    const child = spawn(
      process.execPath,
      [CLI, 'send', f.issueDir, '--subscribers', f.subscribersFile, '--concurrency', '1', ...args],
      { cwd: f.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    pid = child.pid!;
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await expect.poll(() => stoppedAt, { timeout: 60_000 }).toBeDefined();
      // The other worker waits out the stopped one's lease, then sends its readers, the stopped reader among them.
      const other = await sendIssue({
        issueDir: f.issueDir,
        subscribersFile: f.subscribersFile,
        cwd: f.dir,
        env,
        ratePerSecond: 0,
        log: () => {},
      });
      expect(other.interrupted).toBe(false);
      const { rows } = await db.pool.query<{ open: number }>(
        'SELECT count(*)::int AS open FROM send_items WHERE NOT done',
      );
      expect(rows[0]!.open).toBe(0);
    } finally {
      child.kill('SIGCONT');
    }
    await exited;
    const copies = new Map<string, number>();
    for (const m of await smtp.messages())
      for (const to of m.envelope.to) copies.set(canonicalAddress(to), (copies.get(canonicalAddress(to)) ?? 0) + 1);
    const twice = [...copies].filter(([, n]) => n > 1).map(([email]) => email);
    return { stoppedAt: stoppedAt!, earlier, copies, twice, stderr };
  };

  it('woken after another worker sent its readers, it writes no message of theirs', async () => {
    const { stoppedAt, earlier, copies, twice, stderr } = await stopThirdAndTakeOver([]);
    expect(copies.get(stoppedAt), stderr).toBe(1);
    expect(twice.filter((email) => !earlier.includes(email))).toEqual([]);
  }, 120_000);

  it('readers it had mailed a second or more before it stopped were recorded: the other worker mails them no second copy', async () => {
    // One message every 2 s: the first two were taken well before the stop, their batch not over.
    const { stoppedAt, earlier, copies, twice, stderr } = await stopThirdAndTakeOver(['--rate', '0.5']);
    expect(earlier).toHaveLength(2);
    expect(copies.get(stoppedAt), stderr).toBe(1);
    expect(twice, stderr).toEqual([]);
  }, 120_000);
});
