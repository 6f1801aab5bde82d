import { afterEach, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { describePostgres } from '../../helpers/postgres.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { type RawServer, type RawSession, startRawServer } from '../_raw-smtp.js';
import { useWorkerDatabase } from './_database.js';

const RCPT = /^RCPT TO:<([^>]*)>/i;
const REFUSED = '550 5.7.1 Access denied\r\n';

describePostgres('send workers: a short list refused after another worker had a message accepted', () => {
  const db = useWorkerDatabase('short_list_other_accepted');
  const opened: { server?: RawServer; fixture?: SendFixture } = {};
  afterEach(async () => {
    await opened.server?.close();
    await opened.fixture?.cleanup();
    // Both tests mail the same addresses: one's rows would skip the other's readers.
    await db.pool.query('TRUNCATE deliveries, send_items CASCADE');
  });

  // The first reader's recipient is answered only once the second worker asks for another reader's,
  // and the others' refusals only once the first reader's message is in the ledger: the second
  // worker started before any acceptance, and sees none of its own.
  it('two workers claiming one reader at a time, four readers, the first accepted and the others refused alike: the refused readers fail, whichever worker tried them', async () => {
    const fixture = await sendFixture(4, { concurrency: 1 });
    opened.fixture = fixture;
    const readers = await eligible(fixture);
    expect(readers).toHaveLength(4);
    const [first] = readers;
    let firstAsked: RawSession | undefined;
    let accepted = false;
    const waiting: RawSession[] = [];
    const answerWaiting = () => {
      for (const session of waiting.splice(0)) session.write(REFUSED);
    };
    const server = await startRawServer({
      // No PIPELINING: each command waits for its reply, so a reply written late holds its worker.
      ehlo: () => '250-raw.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n',
      command: (line, session) => {
        const to = RCPT.exec(line)?.[1];
        if (!to) return undefined;
        if (to === first) {
          session.to.push(to);
          firstAsked = session;
          return null;
        }
        if (accepted) return REFUSED;
        waiting.push(session);
        firstAsked?.write('250 2.1.5 ok\r\n');
        return null;
      },
      dataEnd: () => {
        void (async () => {
          for (;;) {
            const { rows } = await db.pool.query("SELECT 1 FROM deliveries WHERE status = 'sent'");
            if (rows.length > 0) break;
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          accepted = true;
          answerWaiting();
        })();
        return undefined;
      },
    });
    opened.server = server;
    const env = { ...sendEnv(server.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '1' };
    const args = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'];
    const results = await Promise.all([
      runCli(args, { cwd: fixture.dir, env }),
      runCli(args, { cwd: fixture.dir, env }),
    ]);
    const stderr = results.map((r) => r.stderr).join('\n---\n');
    const { rows } = await db.pool.query<{ email: string; status: string }>(
      'SELECT email, status FROM deliveries ORDER BY email',
    );
    expect(
      rows.map((r) => [r.email, r.status]),
      stderr,
    ).toEqual(readers.map((email) => [email, email === first ? 'sent' : 'failed']));
    expect(server.messages.map((m) => m.to[0])).toEqual([first]);
    for (const result of results) expect(JSON.parse(result.stdout).total.deferred, stderr).toBe(0);
  }, 120_000);

  it('one worker, three readers refused alike and no message of the issue ever accepted: they are deferred, and the run says why and what to do, exit 3', async () => {
    const fixture = await sendFixture(3, { concurrency: 1 });
    opened.fixture = fixture;
    const server = await startRawServer({ command: (line) => (RCPT.test(line) ? REFUSED : undefined) });
    opened.server = server;
    const env = { ...sendEnv(server.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '4' };
    const result = await runCli(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'], {
      cwd: fixture.dir,
      env,
    });
    expect(result.code, result.stderr).toBe(3);
    const report = JSON.parse(result.stdout);
    expect(report.total).toMatchObject({ failed: 0, deferred: 3 });
    expect(report.unjudged).toEqual({ readers: 3, response: '550 5.7.1 Access denied' });
    expect(result.stderr).toContain('3 of them were refused alike (550 5.7.1 Access denied)');
    expect(result.stderr).toContain('check the sending account');
    expect(result.stderr).not.toContain('temporary failures');
    const { rows } = await db.pool.query<{ status: string }>('SELECT status FROM deliveries');
    expect(rows.map((r) => r.status)).toEqual(['deferred', 'deferred', 'deferred']);
  }, 120_000);
});
