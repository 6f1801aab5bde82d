import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/** The reader whose outcome row the database refuses (in the first batch). */
const TARGET = 'reader00001@example.test';

/**
 * A worker whose write of a batch's outcomes is refused: it tries again, and when the database
 * keeps refusing, it lists what was sent in a side file, stops, and the next send records those
 * first. Either way no reader gets a second copy.
 */
describePostgres('send workers: a refused outcome write', () => {
  const db = useWorkerDatabase('workers_write');
  const databaseUrl = db.url;
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);
  beforeEach(async () => {
    await db.pool.query('DROP TRIGGER IF EXISTS refuse ON deliveries; DROP SEQUENCE IF EXISTS refusals');
    await db.pool.query(
      'DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM send_workers; DELETE FROM deliveries; DELETE FROM runs',
    );
  });

  /** The database refuses the first `times` writes that touch TARGET's ledger row (a sequence survives the rollback). */
  const refuse = async (times: number) => {
    await db.pool.query('CREATE SEQUENCE refusals');
    await db.pool.query(
      `CREATE OR REPLACE FUNCTION refuse_target() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.email = '${TARGET}' AND nextval('refusals') <= ${times} THEN
           RAISE EXCEPTION 'the test refuses this write';
         END IF;
         RETURN NEW;
       END $$`,
    );
    await db.pool.query(
      'CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON deliveries FOR EACH ROW EXECUTE FUNCTION refuse_target()',
    );
  };

  const worker = (f: SendFixture, smtp: TestSmtpServer) =>
    sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: databaseUrl(), ROLECAST_TEST_WORKER_BATCH: '7' },
      ratePerSecond: 0,
      log: () => {},
    });

  const accepted = async (smtp: TestSmtpServer) => {
    const counts = new Map<string, number>();
    for (const m of await smtp.messages())
      for (const to of m.envelope.to) counts.set(canonicalAddress(to), (counts.get(canonicalAddress(to)) ?? 0) + 1);
    return counts;
  };

  /** Every reader the plans held accepted once, and recorded sent; `planned`: how many that is. */
  const expectEachOnceAndRecorded = async (smtp: TestSmtpServer, planned: number) => {
    const counts = await accepted(smtp);
    expect(planned).toBeGreaterThan(20);
    expect(counts.size).toBe(planned);
    expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
    const ledger = await db.pool.query<{ email: string; status: string }>('SELECT email, status FROM deliveries');
    expect(new Set(ledger.rows.map((r) => r.email))).toEqual(new Set(counts.keys()));
    expect(ledger.rows.filter((r) => r.status !== 'sent')).toEqual([]);
  };

  it('a write refused twice is tried again: the run completes, every reader once', async () => {
    const f = await sendFixture(40);
    opened.fixture = f;
    const smtp = await startSmtpServer();
    opened.smtp = smtp;
    await refuse(2);
    const report = await worker(f, smtp);
    expect(report.halted).toBeUndefined();
    expect(report.total.pending).toBe(0);
    await expectEachOnceAndRecorded(smtp, report.total.sent);
    // Run again: nothing goes out.
    const again = await worker(f, smtp);
    expect(again.total.sent).toBe(0);
    await expectEachOnceAndRecorded(smtp, report.total.sent);
  }, 120_000);

  it('a write refused for good stops the worker with the sent ones in a side file; the next send records them first', async () => {
    const f = await sendFixture(40);
    opened.fixture = f;
    const smtp = await startSmtpServer();
    opened.smtp = smtp;
    await refuse(1_000_000);
    const first = await worker(f, smtp);
    expect(first.halted?.reason).toMatch(/the test refuses this write/);
    const unrecorded = first.halted!.unrecorded.map((u) => u.email);
    expect(unrecorded).toContain(TARGET);
    const sideFile = first.halted!.unrecordedFile!;
    expect(existsSync(sideFile)).toBe(true);
    // It stopped claiming: part of the list is still open.
    const open = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM send_items WHERE NOT done');
    expect(open.rows[0]!.n).toBeGreaterThan(0);

    await db.pool.query('DROP TRIGGER refuse ON deliveries');
    const second = await worker(f, smtp);
    expect(second.halted).toBeUndefined();
    expect(second.total.pending).toBe(0);
    await expectEachOnceAndRecorded(smtp, first.total.sent + second.total.sent);
    // Those the first run listed are recorded from the side file, which is renamed aside.
    const replayed = await db.pool.query<{ email: string; response: string }>(
      'SELECT email, response FROM deliveries WHERE email = ANY($1::text[])',
      [unrecorded],
    );
    expect(replayed.rows).toHaveLength(unrecorded.length);
    for (const row of replayed.rows) expect(row.response).toMatch(/recorded from .*unrecorded\.jsonl/);
    expect(existsSync(sideFile)).toBe(false);
    expect(readdirSync(dirname(sideFile)).some((name) => name.includes('unrecorded.jsonl.replayed-'))).toBe(true);
  }, 120_000);
});
