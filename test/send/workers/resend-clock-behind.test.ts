import { afterAll, beforeAll, expect, it } from 'vitest';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { createDatabase, describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { addLateJoiner, copiesPerReader } from './_late-joiner.js';

/**
 * A --resend resumes by "sent at or after the resend's start", which compares each ledger row's
 * stamp with that start. A worker on a host whose clock runs minutes behind the host whose rows
 * set that start stamps the readers it reached before it: they must not look unreached, and get a
 * second resent copy, when the resend resumes under another plan.
 */
describePostgres('send workers: a --resend resumed after a worker whose clock runs behind', () => {
  let database: { url: string; drop(): Promise<void> } | undefined;
  const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);
  beforeAll(async () => {
    database = await createDatabase('resend_clock_behind');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('mails no reader a third copy, and still reaches every reader once more', async () => {
    opened.fixture = await sendFixture(30, { concurrency: 1 });
    const server = await startSmtpServer({ faults: { dataDelayMs: 15 } });
    opened.server = server;
    const f = opened.fixture;
    const send = (extra: Partial<Parameters<typeof sendIssue>[0]>) =>
      sendIssue({
        issueDir: f.issueDir,
        subscribersFile: f.subscribersFile,
        cwd: f.dir,
        env: { ...sendEnv(server.url()), DATABASE_URL: database!.url, ROLECAST_TEST_WORKER_BATCH: '2' },
        ...extra,
      });
    const everyone = (await send({})).total.sent;
    expect(everyone).toBeGreaterThan(10);

    // The resend runs on host B, whose clock is five minutes behind host A's, which sent the issue.
    const stop = new AbortController();
    const behind = () => new Date(Date.now() - 5 * 60_000);
    const resending = send({ resend: true, signal: stop.signal, now: behind });
    while (server.counts.accepted < everyone + 6) await new Promise((r) => setTimeout(r, 2));
    stop.abort();
    expect((await resending).interrupted).toBe(true);

    // Resumed from a list with one reader more: another plan, written from the ledger.
    await addLateJoiner(f.subscribersFile);
    const resumed = await send({ resend: true, now: behind });
    expect(resumed.interrupted).toBeFalsy();
    const perReader = await copiesPerReader(server);
    expect([...perReader].filter(([, n]) => n > 2)).toEqual([]);
    expect([...perReader.values()].filter((n) => n === 2).length).toBe(everyone);
  }, 180_000);
});
