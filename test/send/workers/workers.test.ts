import { expect, it, vi } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { planAudience } from '../../../src/group/index.js';
import { type Compile, defaultCompile } from '../../../src/send/compose.js';
import { sendIssue } from '../../../src/send/index.js';
import { readWorkerPlans } from '../../../src/send/workers/status.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { type SmtpServerOptions, startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { generateSubscribers, type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/** Cooperating workers in one process: each sendIssue call is one worker with its own pool. */
describePostgres('send workers on PostgreSQL', () => {
  const db = useWorkerDatabase('workers');
  const databaseUrl = db.url;
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  const worker = (
    f: SendFixture,
    smtp: TestSmtpServer,
    extra: Partial<Parameters<typeof sendIssue>[0]> = {},
    env: NodeJS.ProcessEnv = {},
  ) => {
    const lines: string[] = [];
    const report = sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: databaseUrl(), ROLECAST_TEST_WORKER_BATCH: '7', ...env },
      ratePerSecond: 0,
      log: (line) => lines.push(line),
      ...extra,
    });
    return { report, lines };
  };

  /** No plan, ledger or run left by the test before. */
  const clearPlans = () =>
    db.pool.query('DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM deliveries; DELETE FROM runs');

  /** Cleared plans, a fixture of `readers` and an SMTP server, both closed after the test. */
  const fresh = async (readers: number, server: SmtpServerOptions = {}) => {
    await clearPlans();
    const f = await sendFixture(readers);
    opened.fixture = f;
    const smtp = await startSmtpServer(server);
    opened.smtp = smtp;
    return { f, smtp };
  };

  /** A list of 30 sent once, then a --resend of it stopped once it has reached `reached` readers. */
  const sentThenResendCut = async (reached: number) => {
    const { f, smtp } = await fresh(30, { faults: { dataDelayMs: 10 } });
    const everyone = (await worker(f, smtp).report).total.sent;
    const controller = new AbortController();
    const cut = worker(f, smtp, { resend: true, signal: controller.signal });
    await expect.poll(() => smtp.counts.accepted, { timeout: 60_000 }).toBeGreaterThanOrEqual(everyone + reached);
    controller.abort();
    expect((await cut.report).interrupted).toBe(true);
    return { f, smtp, everyone };
  };

  const accepted = async (smtp: TestSmtpServer) => {
    const counts = new Map<string, number>();
    for (const m of await smtp.messages())
      for (const to of m.envelope.to) counts.set(canonicalAddress(to), (counts.get(canonicalAddress(to)) ?? 0) + 1);
    return counts;
  };

  it('three workers on one issue divide the readers: each accepted once, all recorded sent', async () => {
    await clearPlans();
    const f = await sendFixture(120);
    opened.fixture = f;
    const smtp = await startSmtpServer({ faults: { dataDelayMs: 3 } });
    opened.smtp = smtp;
    const workers = [worker(f, smtp), worker(f, smtp), worker(f, smtp)];
    const reports = await Promise.all(workers.map((w) => w.report));
    const counts = await accepted(smtp);
    const expected = new Set(
      f.subscribers
        .filter((s) => s.status === 'active' && s.roles.length > 0 && !['Designer', 'Consultant'].includes(s.roles[0]!))
        .map((s) => canonicalAddress(s.email)),
    );
    const sentTotal = reports.reduce((sum, r) => sum + r.total.sent, 0);
    expect(sentTotal).toBe(counts.size);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    for (const email of expected) expect(counts.get(email), email).toBe(1);
    // Each worker took part: the plan is shared, not sent three times or by one alone.
    expect(reports.filter((r) => r.total.sent > 0).length).toBeGreaterThan(1);
    expect(workers.filter((w) => w.lines.some((l) => l.includes('wrote the plan')))).toHaveLength(1);
    const ledger = await db.pool.query<{ status: string; n: number }>(
      "SELECT status, count(*)::int AS n FROM deliveries WHERE issue_id = '2026-W48' AND channel = 'smtp' GROUP BY status",
    );
    expect(ledger.rows).toEqual([{ status: 'sent', n: counts.size }]);
    const run = await db.pool.query(
      "SELECT outcome, planned FROM runs WHERE issue_id = '2026-W48' AND channel = 'smtp'",
    );
    expect(run.rows).toEqual([{ outcome: 'complete', planned: counts.size }]);

    // Run again: the ledger says everyone has it, so the next plan is empty and nothing goes out.
    const again = await worker(f, smtp).report;
    expect(again.total.sent).toBe(0);
    expect((await smtp.messages()).length).toBe(counts.size);
  }, 240_000);

  it('a --resend by workers starts after the rows a fast clock stamped, and reaches every reader once more', async () => {
    const { f, smtp } = await fresh(30);
    const dayAhead = () => new Date(Date.now() + 86_400_000);
    const first = await worker(f, smtp, { now: dayAhead }).report;
    const { rows } = await db.pool.query<{ latest: string }>(
      "SELECT max(updated_at) AS latest FROM deliveries WHERE issue_id = '2026-W48' AND channel = 'smtp'",
    );
    const resent = await worker(f, smtp, { resend: true }).report;
    expect(resent.total.sent).toBe(first.total.sent);
    const run = await db.pool.query<{ resend_started_at: string; open_resend_since: string | null }>(
      "SELECT resend_started_at, open_resend_since FROM runs WHERE issue_id = '2026-W48' AND channel = 'smtp'",
    );
    expect(Date.parse(run.rows[0]!.resend_started_at)).toBeGreaterThan(Date.parse(rows[0]!.latest));
    // Completed, the resend is closed: the next --resend is a new one, not a resumption.
    expect(run.rows[0]!.open_resend_since).toBeNull();
    expect([...(await accepted(smtp)).values()].every((n) => n === 2)).toBe(true);
  });

  it('a plain send between an interrupted --resend and the next leaves it open: no reader gets a third copy', async () => {
    const { f, smtp, everyone } = await sentThenResendCut(4);

    const plain = worker(f, smtp);
    expect((await plain.report).total.sent).toBe(0);
    expect(plain.lines.some((line) => line.includes('has not completed'))).toBe(true);
    const finishing = worker(f, smtp, { resend: true });
    expect((await finishing.report).interrupted).toBe(false);
    expect(finishing.lines.some((line) => line.includes('resuming the --resend'))).toBe(true);
    const counts = await accepted(smtp);
    expect(counts.size).toBe(everyone);
    expect([...counts].filter(([, n]) => n !== 2)).toEqual([]);
  });

  it('a --resend of one segment finished between leaves the resend open for the rest: nobody gets a third copy', async () => {
    const { f, smtp, everyone } = await sentThenResendCut(3);
    expect((await worker(f, smtp, { resend: true, segments: ['CTO'] }).report).interrupted).toBe(false);
    expect((await worker(f, smtp, { resend: true }).report).interrupted).toBe(false);
    const counts = await accepted(smtp);
    expect(counts.size).toBe(everyone);
    expect([...counts].filter(([, n]) => n !== 2)).toEqual([]);
  });

  it('a worker held up past its lease starts nothing more and hands its items back: the next one sends them, once', async () => {
    // After the third message this worker's clock runs a minute ahead, as after a suspended
    // machine or a stopped process: its 30 s leases may have been taken over meanwhile.
    let jump = 0;
    let taken = 0;
    const { f, smtp } = await fresh(40, {
      onDataEnd: () => {
        if (++taken === 3) jump = 60_000;
      },
    });
    const held = worker(f, smtp, { concurrency: 1, now: () => new Date(Date.now() + jump) });
    const first = await held.report;
    expect(held.lines.some((line) => /without renewing its leases/.test(line))).toBe(true);
    expect(first.total.sent).toBeLessThanOrEqual(4);
    expect(first.interrupted).toBe(true);
    // Handed back at once: the next worker need not wait for the lease.
    const next = await worker(f, smtp).report;
    const counts = await accepted(smtp);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(first.total.sent + next.total.sent).toBe(counts.size);
    expect(next.total.pending).toBe(0);
  }, 240_000);

  it('a worker whose subscriber list gives another plan is refused while the first one runs', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { f, smtp } = await fresh(40, { faults: { holdData: hold } });
    const first = worker(f, smtp);
    // Wait until the first worker holds its plan (it is sending, held by the server).
    await expect.poll(() => smtp.counts.data, { timeout: 30_000 }).toBeGreaterThan(0);
    // status meanwhile: one live worker holding two batches (7 leases in all) under its lease, the
    // second claimed while the first is sending.
    await expect
      .poll(async () => (await readWorkerPlans(databaseUrl(), '2026-W48'))[0]?.leased, { timeout: 30_000 })
      .toBe(7);
    const status = await readWorkerPlans(databaseUrl(), '2026-W48');
    expect(status).toHaveLength(1);
    expect(status[0]!.workers).toEqual([
      expect.objectContaining({ state: 'live', pid: process.pid, sent: 0, leases: 7 }),
    ]);
    expect(status[0]).toMatchObject({ done: 0, leased: 7 });
    const other = await sendFixture(0, {}, generateSubscribers(45));
    try {
      const second = sendIssue({
        issueDir: f.issueDir,
        subscribersFile: other.subscribersFile,
        cwd: f.dir,
        env: { ...sendEnv(smtp.url()), DATABASE_URL: databaseUrl() },
        ratePerSecond: 0,
      });
      await expect(second).rejects.toThrow(/is sending 2026-W48 with a different plan/);
    } finally {
      release();
      await other.cleanup();
    }
    const report = await first.report;
    expect(report.total.sent).toBe((await smtp.messages()).length);
    expect(report.total.failed + report.total.deferred + report.total.pending).toBe(0);
  }, 120_000);

  it('a worker stopped with Ctrl-C hands its batch back at once: the next one need not wait for the lease', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { f, smtp } = await fresh(40, { faults: { holdData: hold } });
    // Ten-minute leases: only the hand-back lets the second worker finish within this test's time.
    const long = { ROLECAST_TEST_LEASE_MS: '600000' };
    const controller = new AbortController();
    const first = worker(f, smtp, { signal: controller.signal }, long);
    await expect.poll(() => smtp.counts.data, { timeout: 60_000 }).toBeGreaterThan(0);
    controller.abort();
    release();
    const stopped = await first.report;
    expect(stopped.interrupted).toBe(true);
    const held = await db.pool.query('SELECT count(*)::int AS n FROM send_items WHERE lease_owner IS NOT NULL');
    expect(held.rows[0].n).toBe(0);
    const interrupted = await db.pool.query("SELECT outcome FROM runs WHERE issue_id = '2026-W48'");
    expect(interrupted.rows).toEqual([{ outcome: 'interrupted' }]);

    const resumed = await worker(f, smtp, {}, long).report;
    expect(resumed.interrupted).toBe(false);
    const counts = await accepted(smtp);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(stopped.total.sent + resumed.total.sent).toBe(counts.size);
    const open = await db.pool.query('SELECT count(*)::int AS n FROM send_items WHERE NOT done');
    expect(open.rows[0].n).toBe(0);
    const run = await db.pool.query("SELECT outcome FROM runs WHERE issue_id = '2026-W48'");
    expect(run.rows).toEqual([{ outcome: 'complete' }]);
  }, 120_000);

  it('a worker checks the SMTP connection while the issue renders, not after', async () => {
    const { f, smtp } = await fresh(12);
    let connectedWhileRendering = false;
    const compile: Compile = async (project, variants, options) => {
      // The check opens a connection of its own; the render waits (generously) to see it.
      connectedWhileRendering = await vi
        .waitFor(
          () => {
            if (smtp.counts.connections === 0) throw new Error('no connection yet');
          },
          { timeout: 20_000, interval: 5 },
        )
        .then(
          () => true,
          () => false,
        );
      return defaultCompile(project, variants, options);
    };
    const report = await worker(f, smtp, { compile }).report;
    expect(connectedWhileRendering).toBe(true);
    expect(report.total.sent).toBeGreaterThan(0);
    expect(report.total.failed).toBe(0);
  });

  it('a worker opens no more connections ahead than messages are left to send', async () => {
    // Two readers, and the fixture sends over three connections.
    const { f, smtp } = await fresh(2);
    const report = await worker(f, smtp).report;
    expect(report.total.sent).toBe(2);
    expect(smtp.counts.data).toBe(2);
    expect(smtp.counts.connections).toBeLessThanOrEqual(2);
  });

  it('a reader suppressed after their item was claimed is not mailed, and is counted as suppressed', async () => {
    // One batch holds every reader from the start; 20 messages a second reach the last well after the suppression.
    const { f, smtp } = await fresh(36);
    const project = await f.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const last = canonicalAddress(plan.recipients.at(-1)!.subscriber.email);
    const { report } = worker(
      f,
      smtp,
      { ratePerSecond: 20, concurrency: 1, lateSuppressionCheckMs: 20 },
      { ROLECAST_TEST_WORKER_BATCH: '100' },
    );
    // Once sending began, every item is claimed: the suppression comes after the claim.
    while ((await smtp.messages()).length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    // As `serve` answering a one-click unsubscribe would: another connection to the database.
    await db.pool.query(
      "INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, 'unsubscribe', 'one-click', $2)",
      [last, new Date().toISOString()],
    );
    const done = await report;
    const counts = await accepted(smtp);
    expect(counts.has(last)).toBe(false);
    expect(done.total.sent).toBe(plan.recipients.length - 1);
    expect(done.total.skipped, JSON.stringify(done.total)).toMatchObject({ suppressed: 1 });
    const open = await db.pool.query(
      "SELECT count(*)::int AS n FROM send_items WHERE NOT done AND issue_id = '2026-W48'",
    );
    expect(open.rows[0]).toEqual({ n: 0 });
  });
});
