import { afterEach, expect, it } from 'vitest';
import { canonicalAddress } from '../../src/address.js';
import { openPostgres } from '../../src/db/postgres.js';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { postgresLedger } from '../../src/state/postgres/ledger.js';
import { hashedAddress } from '../../src/store/hash.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { runMain } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

/**
 * `subscribers forget` while that reader's message is in flight: the send records its outcome
 * after forget deleted the reader's rows, and must not store the address again in plain.
 */

let server: TestSmtpServer | undefined;
let fixture: SendFixture | undefined;
afterEach(async () => {
  await server?.close();
  await fixture?.cleanup();
  server = fixture = undefined;
});

/** Sends to one reader whose message waits 1.5 s for the server's answer, forgetting them meanwhile. */
async function forgetWhileInFlight(env: NodeJS.ProcessEnv): Promise<string> {
  fixture = await sendFixture(1, { concurrency: 1, retries: 0 });
  server = await startSmtpServer({ faults: { dataDelayMs: 1500 } });
  const email = canonicalAddress(fixture.subscribers[0]!.email);
  const sendEnvironment = { ...sendEnv(server.url()), ...env };
  const sending = sendIssue({
    issueDir: fixture.issueDir,
    subscribersFile: fixture.subscribersFile,
    cwd: fixture.dir,
    env: sendEnvironment,
  });
  while (server.counts.data < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  const forgotten = await runMain(fixture.dir, ['subscribers', 'forget', email], sendEnvironment);
  expect(forgotten.code, forgotten.all).toBe(0);
  const report = await sending;
  expect(report.total.sent).toBe(1);
  return email;
}

it('on SQLite, the ledger row written after forget is removed again', async () => {
  const email = await forgetWhileInFlight({});
  const db = openStateDb(`${fixture!.dir}/.rolecast/state.db`);
  try {
    expect(db.prepare('SELECT count(*) FROM deliveries WHERE email = ?').pluck().get(email)).toBe(0);
    expect(db.prepare('SELECT reason FROM suppressions WHERE email = ?').pluck().get(hashedAddress(email))).toBe(
      'erased',
    );
  } finally {
    db.close();
  }
});

describePostgres('with the state in PostgreSQL', () => {
  const url = useFreshDatabase('forget_in_flight');
  it('the ledger row is not written after forget', async () => {
    const email = await forgetWhileInFlight({ DATABASE_URL: url() });
    const pool = await openPostgres(url(), { max: 1 });
    try {
      const rows = await pool.query('SELECT count(*)::int AS n FROM deliveries WHERE email = $1', [email]);
      expect(rows.rows[0].n).toBe(0);
      const erased = await pool.query('SELECT reason FROM suppressions WHERE email = $1', [hashedAddress(email)]);
      expect(erased.rows[0]?.reason).toBe('erased');
    } finally {
      await pool.end();
    }
  });

  it('a single sender’s ledger does not write a row for an erased address', async () => {
    fixture = await sendFixture(1);
    const env = { DATABASE_URL: url() };
    expect((await runMain(fixture.dir, ['subscribers', 'forget', 'gone@example.com'], env)).code).toBe(0);
    const pool = await openPostgres(url(), { max: 1 });
    try {
      const ledger = postgresLedger(pool, 'issue-x', 'smtp', () => new Date());
      const outcome = { variantId: 'cto', status: 'sent' as const, responseCode: 250, response: '250 ok', attempts: 1 };
      await ledger.recordMany([
        { ...outcome, email: 'gone@example.com', messageId: '<a@x>' },
        { ...outcome, email: 'kept@example.com', messageId: '<b@x>' },
      ]);
      const rows = await pool.query<{ email: string }>("SELECT email FROM deliveries WHERE issue_id = 'issue-x'");
      expect(rows.rows.map((r) => r.email)).toEqual(['kept@example.com']);
    } finally {
      await pool.end();
    }
  });
});
