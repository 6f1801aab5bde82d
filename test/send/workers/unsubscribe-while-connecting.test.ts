import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, expect, it } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { planAudience } from '../../../src/group/index.js';
import { sendIssue } from '../../../src/send/index.js';
import { postgresSuppressionList } from '../../../src/serve/suppressions-postgres.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * On PostgreSQL, a message that waits for its connection after the send read the list (here a
 * server taking one message a connection, whose next connection is held at its greeting) reads
 * the list again once the connection is in hand: an unsubscribe committed during that wait stops
 * it. The background check is set to a minute, so only that read can see it.
 */
describePostgres('send on PostgreSQL: a reader unsubscribed while their message waits for a connection', () => {
  const db = useWorkerDatabase('unsubscribe_connecting');
  const opened = perTest<{ fixture: SendFixture }>(['fixture']);
  let server: SMTPServer | undefined;
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('is not mailed and is counted as suppressed', async () => {
    const mailed: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding = false;
    let heldOnce = false;
    server = new SMTPServer({
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      logger: false,
      onConnect(_session, callback) {
        // The first connection opened after a message was taken waits at its greeting.
        if (mailed.length >= 1 && !heldOnce) {
          heldOnce = true;
          holding = true;
          void held.then(() => callback());
          return;
        }
        callback();
      },
      onMailFrom(_address, session, callback) {
        // One message a connection, as a provider capping sessions answers the next.
        if (session.transaction > 1)
          return callback(Object.assign(new Error('4.5.3 Too many messages in this session'), { responseCode: 452 }));
        callback();
      },
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          mailed.push(...session.envelope.rcptTo.map((r) => canonicalAddress(r.address)));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as AddressInfo).port;
    const f = await sendFixture(4, { concurrency: 1 });
    opened.fixture = f;
    const project = await f.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const second = canonicalAddress(plan.recipients[1]!.subscriber.email);
    const running = sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(`smtp://127.0.0.1:${port}`), DATABASE_URL: db.url() },
      ratePerSecond: 0,
      lateSuppressionCheckMs: 60_000,
    });
    try {
      await expect.poll(() => holding, { timeout: 20_000, interval: 2 }).toBe(true);
      // As `serve` answers a one-click unsubscribe, while the second message waits for its connection.
      const outcome = await postgresSuppressionList(db.pool).add(second, {
        reason: 'unsubscribe',
        source: 'one-click',
      });
      expect(outcome).toBe('added');
    } finally {
      release();
    }
    const report = await running;
    expect(mailed).not.toContain(second);
    expect(mailed).toHaveLength(plan.recipients.length - 1);
    expect(report.total.skipped).toMatchObject({ suppressed: 1 });
    expect(report.total.sent).toBe(plan.recipients.length - 1);
    const rows = await db.pool.query('SELECT status FROM deliveries WHERE email = $1', [second]);
    expect(rows.rows).toEqual([]);
  });
});
