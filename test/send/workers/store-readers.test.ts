import { expect, it } from 'vitest';
import { sendIssue } from '../../../src/send/index.js';
import { hashedAddress } from '../../../src/store/hash.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { runMain } from '../../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * Readers kept in the subscriber store (no --subscribers file) change while a send runs: signups,
 * role changes. A worker started during the send still joins it, sending to the readers the plan
 * was made from; readers added meanwhile get the issue from the next run.
 */
/** The promise's value if it settled already, else false. */
const peek = (promise: Promise<string>) => Promise.race([promise, Promise.resolve(false as const)]);

describePostgres('send workers: readers from the subscriber store', () => {
  const db = useWorkerDatabase('store_readers');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  const worker = (f: SendFixture, smtp: TestSmtpServer, lines: string[]) =>
    sendIssue({
      issueDir: f.issueDir,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '4' },
      ratePerSecond: 0,
      log: (line) => lines.push(line),
    });
  const store = async (f: SendFixture, ...argv: string[]) => {
    const result = await runMain(f.dir, ['subscribers', ...argv], { DATABASE_URL: db.url() });
    expect(result.code, result.all).toBe(0);
  };

  /** `count` readers imported into the store, and an SMTP server holding every message until `release`. */
  const heldSendOfStore = async (count: number, subscribers?: Parameters<typeof sendFixture>[2]) => {
    await db.pool.query('DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM deliveries; DELETE FROM runs');
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const smtp = await startSmtpServer({ faults: { holdData: hold } });
    opened.smtp = smtp;
    const f = await sendFixture(count, {}, subscribers);
    opened.fixture = f;
    await db.pool.query("DO $$ BEGIN IF to_regclass('readers') IS NOT NULL THEN DELETE FROM readers; END IF; END $$");
    await store(f, 'import', f.subscribersFile);
    return { smtp, f, release };
  };

  it('a worker started after a signup and a role change joins the running plan; nobody is mailed twice', async () => {
    const { smtp, f, release } = await heldSendOfStore(30);
    const planned = f.subscribers.map((s) => s.email.toLowerCase());

    const lines: string[] = [];
    const first = worker(f, smtp, lines);
    await expect.poll(() => smtp.counts.data, { timeout: 30_000 }).toBeGreaterThan(0);
    let second: ReturnType<typeof worker>;
    try {
      await store(f, 'add', 'late.signup@example.com', '--roles', 'CTO');
      const changed = await f.temp.write(
        'changed.json',
        JSON.stringify([{ ...f.subscribers[5], roles: ['Product manager'] }]),
      );
      await store(f, 'import', changed, '--update');
      second = worker(f, smtp, lines);
      const refused = second.then(
        () => '',
        (error: Error) => error.message,
      );
      await expect
        .poll(async () => lines.some((line) => line.includes('joined the plan')) || (await peek(refused)), {
          timeout: 20_000,
        })
        .not.toBe(false);
      expect(await peek(refused)).toBe(false);
      // The plan keeps the readers it was made from, for workers that join it.
      expect((await db.pool.query('SELECT count(*)::int AS n FROM send_plan_readers')).rows[0].n).toBe(30);
    } finally {
      release();
    }
    const reports = await Promise.all([first, second!]);
    const mailed = (await smtp.messages()).map((m) => m.envelope.to.join().toLowerCase());
    expect(new Set(mailed).size).toBe(mailed.length);
    const plan = (await db.pool.query<{ readers: number }>('SELECT readers FROM send_plans')).rows[0]!;
    expect(mailed.length).toBe(plan.readers);
    expect(mailed.every((address) => planned.includes(address))).toBe(true);
    expect(reports[0].total.sent + reports[1].total.sent).toBe(mailed.length);
    expect(lines.some((line) => line.includes('planned from the subscriber store as it was then'))).toBe(true);
    // A finished plan keeps no reader's record.
    expect((await db.pool.query('SELECT count(*)::int AS n FROM send_plan_readers')).rows[0].n).toBe(0);

    // The next run plans from the store as it is now: readers the plan did not hold, no one it mailed.
    const next = await worker(f, smtp, []);
    const nextMailed = (await smtp.messages()).slice(mailed.length).map((m) => m.envelope.to.join().toLowerCase());
    expect(nextMailed).toContain('late.signup@example.com');
    expect(nextMailed.filter((address) => mailed.includes(address))).toEqual([]);
    expect(next.total.sent).toBe(nextMailed.length);
  });

  it('a worker started after a reader was erased joins the running plan, and nobody mails the erased reader', async () => {
    const { smtp, f, release } = await heldSendOfStore(30);
    const lines: string[] = [];
    const first = worker(f, smtp, lines);
    await expect.poll(() => smtp.counts.data, { timeout: 30_000 }).toBeGreaterThan(0);
    // The plan's last reader: not claimed yet while the first messages are held.
    const last = await db.pool.query<{ email: string }>('SELECT email FROM send_items ORDER BY seq DESC LIMIT 1');
    const erased = last.rows[0]!.email;
    let second: ReturnType<typeof worker>;
    try {
      await store(f, 'forget', erased);
      // Still one plan: a worker choosing other readers from the kept list is refused.
      await expect(
        sendIssue({
          issueDir: f.issueDir,
          cwd: f.dir,
          env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url() },
          segments: ['CTO'],
          ratePerSecond: 0,
          log: () => {},
        }),
      ).rejects.toThrow(/with a different plan/);
      second = worker(f, smtp, lines);
      const refused = second.then(
        () => '',
        (error: Error) => error.message,
      );
      await expect
        .poll(async () => lines.some((line) => line.includes('joined the plan')) || (await peek(refused)), {
          timeout: 20_000,
        })
        .not.toBe(false);
      expect(await peek(refused)).toBe(false);
    } finally {
      release();
    }
    const reports = await Promise.all([first, second!]);
    const mailed = (await smtp.messages()).map((m) => m.envelope.to.join().toLowerCase());
    expect(mailed).not.toContain(erased);
    expect(new Set(mailed).size).toBe(mailed.length);
    const plan = (await db.pool.query<{ readers: number }>('SELECT readers FROM send_plans')).rows[0]!;
    expect(mailed.length).toBe(plan.readers - 1);
    expect(reports[0].total.sent + reports[1].total.sent).toBe(mailed.length);
  });

  it('a worker given a subscribers file does not join a plan made from the store: it is refused', async () => {
    const { smtp, f, release } = await heldSendOfStore(20);
    const other = await f.temp.write(
      'partners.json',
      JSON.stringify([{ email: 'partner@partners.example', roles: ['CTO'] }]),
    );
    const first = worker(f, smtp, []);
    await expect.poll(() => smtp.counts.data, { timeout: 30_000 }).toBeGreaterThan(0);
    try {
      await expect(
        sendIssue({
          issueDir: f.issueDir,
          subscribersFile: other,
          cwd: f.dir,
          env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url() },
          ratePerSecond: 0,
          log: () => {},
        }),
      ).rejects.toThrow(/with a different plan/);
    } finally {
      release();
    }
    await first;
  });

  it('a joining worker writes the kept readers in their language, though the store no longer holds it', async () => {
    const readers = Array.from({ length: 10 }, (_, i) => ({
      email: `reader${i}@example.test`,
      name: `Reader ${i}`,
      roles: ['CTO'],
      status: 'active' as const,
      ...(i === 5 ? { locale: 'de' } : {}),
    }));
    const { smtp, f, release } = await heldSendOfStore(10, readers);
    const lines: string[] = [];
    const first = worker(f, smtp, lines);
    await expect.poll(() => smtp.counts.data, { timeout: 30_000 }).toBeGreaterThan(0);
    let second: ReturnType<typeof worker>;
    try {
      // The only German reader leaves the store; the plan still holds them.
      await store(f, 'remove', 'reader5@example.test');
      second = worker(f, smtp, lines);
      await expect.poll(() => lines.some((line) => line.includes('joined the plan')), { timeout: 20_000 }).toBe(true);
    } finally {
      release();
    }
    await Promise.all([first, second!]);
    const german = (await smtp.messages()).filter((m) => m.envelope.to.includes('reader5@example.test'));
    expect(german).toHaveLength(1);
    expect(german[0]!.parsed.text).toContain('Abmelden');
  });

  it('an erasure by any host removes the reader from the kept readers', async () => {
    const key = { issue: 'erase-test', reader: 'kept.reader@example.com' };
    await db.pool.query(
      `INSERT INTO send_plan_readers (issue_id, channel, plan_id, seq, email, reader) VALUES ($1, 'smtp', 'p', 0, $2, $3)`,
      [key.issue, key.reader, JSON.stringify({ email: key.reader, roles: ['CTO'] })],
    );
    // As `forget` on a host that does not know the table leaves it: only the hashed suppression.
    await db.pool.query(
      `INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, 'erased', 'forget', '2026-12-01T00:00:00Z')`,
      [hashedAddress(key.reader)],
    );
    const left = await db.pool.query('SELECT count(*)::int AS n FROM send_plan_readers WHERE issue_id = $1', [
      key.issue,
    ]);
    expect(left.rows[0].n).toBe(0);
  });
});
