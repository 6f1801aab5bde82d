import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { openPostgres, type Pool } from '../../../src/db/postgres.js';
import { CLI, runCli } from '../../helpers/cli.js';
import { perTest } from '../../helpers/per-test.js';
import { createDatabase, describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';

const LEASE_MS = 3000;
const BATCH = 10;

interface Worker {
  child: ChildProcess;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** One `rolecast send` process, as an operator starts it on a host of its own. */
function startWorker(f: SendFixture, env: NodeJS.ProcessEnv): Worker {
  const child = spawn(
    process.execPath,
    [CLI, 'send', f.issueDir, '--subscribers', f.subscribersFile, '--rate', '30', '--concurrency', '2'],
    { cwd: f.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const worker: Worker = {
    child,
    stderr: '',
    exit: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal }))),
  };
  child.stderr!.on('data', (chunk) => {
    worker.stderr += chunk;
  });
  return worker;
}

/**
 * Three worker processes on one database and one SMTP server; one is killed with SIGKILL while it
 * holds a batch. Its lease runs out, the others take the batch over, and every reader is accepted
 * exactly once, except (at most) the readers of the batch the killed worker held when it died.
 */
describePostgres('send workers: one killed mid-run', () => {
  // A database and workers of its own per attempt: a retry must not meet the first attempt's plan.
  let attemptUrl = '';
  const databaseUrl = () => attemptUrl;
  const databases: { drop(): Promise<void> }[] = [];
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);
  let pool: Pool | undefined;
  const all: Worker[] = [];
  let workers: Worker[] = [];
  beforeEach(async () => {
    for (const w of all) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await pool?.end();
    const database = await createDatabase('kill');
    databases.push(database);
    attemptUrl = database.url;
    pool = await openPostgres(attemptUrl, { max: 2 });
    workers = [];
  });
  afterAll(async () => {
    for (const w of all) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await pool?.end();
    for (const database of databases) await database.drop();
  });

  it('after the lease runs out the others send its unfinished batch: none skipped, duplicates only from that batch', async () => {
    const f = await sendFixture(600, { concurrency: 2, retries: 3, retryBaseMs: 5 });
    opened.fixture = f;
    const smtp = await startSmtpServer({ faults: { dataDelayMs: 5 } });
    opened.smtp = smtp;
    const env = {
      ...sendEnv(smtp.url()),
      DATABASE_URL: databaseUrl(),
      ROLECAST_TEST_LEASE_MS: String(LEASE_MS),
      ROLECAST_TEST_WORKER_BATCH: String(BATCH),
    };
    for (let i = 0; i < 3; i++) workers.push(startWorker(f, env));
    all.push(...workers);
    const db = pool!;
    const victim = workers[0]!;

    // Kill it once it has had a batch accepted and recorded, and holds the next one.
    const held = await waitFor(async () => {
      const row = await db
        .query<{ sent: number; worker_id: string }>('SELECT worker_id, sent FROM send_workers WHERE pid = $1', [
          victim.child.pid,
        ])
        .catch(() => ({ rows: [] }));
      const me = row.rows[0];
      if (!me || me.sent === 0) return undefined;
      const items = await db.query<{ email: string }>(
        'SELECT email FROM send_items WHERE lease_owner = $1 AND NOT done',
        [me.worker_id],
      );
      if (items.rows.length === 0) return undefined;
      victim.child.kill('SIGKILL');
      return { workerId: me.worker_id };
    }, victim);
    expect((await victim.exit).signal).toBe('SIGKILL');
    // What it held at its death: the only readers that may get two copies.
    const orphaned = await db.query<{ email: string }>(
      'SELECT email FROM send_items WHERE lease_owner = $1 AND NOT done',
      [held.workerId],
    );
    const inFlight = new Set(orphaned.rows.map((r) => r.email));
    expect(inFlight.size).toBeGreaterThan(0);
    expect(inFlight.size).toBeLessThanOrEqual(BATCH);

    for (const w of workers.slice(1)) {
      const exit = await w.exit;
      expect(exit, w.stderr).toEqual({ code: 0, signal: null });
    }
    const survivors = workers
      .slice(1)
      .map((w) => w.stderr)
      .join('\n');
    const takenOver = [...survivors.matchAll(/(\d+) taken over from a worker whose lease ran out/g)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
    expect(takenOver).toBe(inFlight.size);

    const planned = await db.query<{ email: string }>('SELECT email FROM send_items');
    const accepted = new Map<string, number>();
    for (const m of await smtp.messages())
      for (const to of m.envelope.to) accepted.set(canonicalAddress(to), (accepted.get(canonicalAddress(to)) ?? 0) + 1);
    // None skipped, nobody outside the plan.
    expect(planned.rows.length).toBeGreaterThan(200);
    expect(new Set(accepted.keys())).toEqual(new Set(planned.rows.map((r) => r.email)));
    const twice = [...accepted].filter(([, n]) => n > 1).map(([email]) => email);
    for (const email of twice) expect(inFlight.has(email), `${email} was sent twice`).toBe(true);
    expect(Math.max(...accepted.values())).toBeLessThanOrEqual(2);

    const ledger = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM deliveries GROUP BY status',
    );
    expect(ledger.rows).toEqual([{ status: 'sent', n: planned.rows.length }]);
    const open = await db.query('SELECT count(*)::int AS n FROM send_items WHERE NOT done');
    expect(open.rows[0].n).toBe(0);

    // status: the run complete, the killed worker gone, the two others stopped cleanly.
    const n = planned.rows.length;
    const status = await runCli(['status', f.issueDir], { cwd: f.dir, env: { DATABASE_URL: databaseUrl() } });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(
      `2026-W48 via smtp: ${n} sent, 0 failed, 0 deferred, 0 pending — last run complete`,
    );
    expect(status.stdout).toContain(`2026-W48 workers via smtp: ${n} of ${n} done, 0 open (0 under a lease)`);
    expect(status.stdout).toMatch(new RegExp(`gone +pid ${victim.child.pid} on `));
    expect(status.stdout.match(/stopped +pid \d+ on /g)).toHaveLength(2);
  }, 150_000);
});

/** Polls `probe` until it returns a value; fails if the worker exits first or it takes minutes. */
async function waitFor<T>(probe: () => Promise<T | undefined>, worker: Worker): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (worker.child.exitCode !== null)
      throw new Error(`the worker exited before it could be killed:\n${worker.stderr}`);
    if (Date.now() > deadline) throw new Error(`the worker never held a batch:\n${worker.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
