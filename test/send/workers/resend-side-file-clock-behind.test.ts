import { beforeEach, expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';
import { addLateJoiner, copiesPerReader } from './_late-joiner.js';

/** The reader whose resent outcome the database refuses to record. */
const TARGET = 'reader00001@example.test';

/**
 * A --resend worker on a host whose clock runs behind the one that sent the issue, stopped by a
 * write the database refuses: the readers it reached go to its side file, which the next run on that
 * host records first. They were reached by the resend, so a resumed resend must not mail them again.
 */
describePostgres('send workers: a resend stopped with a side file on a host whose clock runs behind', () => {
  const db = useWorkerDatabase('resend_side_file_behind');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);
  beforeEach(async () => {
    await db.pool.query('DROP TRIGGER IF EXISTS refuse ON deliveries');
    await db.pool.query(
      'DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM send_workers; DELETE FROM deliveries; DELETE FROM runs',
    );
  });

  it('mails the readers its side file lists no third copy', async () => {
    const f = await sendFixture(40);
    opened.fixture = f;
    const smtp = await startSmtpServer();
    opened.smtp = smtp;
    const send = (extra: Partial<Parameters<typeof sendIssue>[0]>) =>
      sendIssue({
        issueDir: f.issueDir,
        subscribersFile: f.subscribersFile,
        cwd: f.dir,
        env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '7' },
        ratePerSecond: 0,
        log: () => {},
        ...extra,
      });
    const everyone = (await send({})).total.sent;
    expect(everyone).toBeGreaterThan(20);

    await db.pool.query(
      `CREATE OR REPLACE FUNCTION refuse_target() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.email = '${TARGET}' THEN RAISE EXCEPTION 'the test refuses this write'; END IF;
         RETURN NEW;
       END $$`,
    );
    await db.pool.query(
      'CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON deliveries FOR EACH ROW EXECUTE FUNCTION refuse_target()',
    );
    const behind = () => new Date(Date.now() - 5 * 60_000);
    const stopped = await send({ resend: true, now: behind });
    const listed = stopped.halted?.unrecorded.map((u) => canonicalAddress(u.email)) ?? [];
    expect(listed).toContain(TARGET);
    expect(stopped.halted?.unrecordedFile).toBeDefined();
    await db.pool.query('DROP TRIGGER refuse ON deliveries');

    // Resumed on the same host from a list with one reader more: another plan, written from the ledger.
    await addLateJoiner(f.subscribersFile);
    const resumed = await send({ resend: true, now: behind });
    expect(resumed.halted).toBeUndefined();
    const perReader = await copiesPerReader(smtp);
    expect(listed.map((email) => [email, perReader.get(email)]).filter(([, n]) => n !== 2)).toEqual([]);
    expect([...perReader].filter(([, n]) => n !== 2)).toEqual([]);
    expect(perReader.size).toBe(everyone);
  }, 180_000);
});
