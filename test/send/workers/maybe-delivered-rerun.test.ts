import { expect, it } from 'vitest';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { type GeneratedSubscriber, type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { type RawServer, startRawServer } from '../_raw-smtp.js';
import { useWorkerDatabase } from './_database.js';

/**
 * As one sender does (test/send/maybe-delivered-rerun.test.ts), a worker that sends again to a
 * reader an earlier run may have reached (the connection dropped after the final dot) names them
 * once, before its first message.
 */
describePostgres('send workers: a message whose connection dropped after its final dot', () => {
  const db = useWorkerDatabase('maybe_delivered_rerun');
  const opened = perTest<{ smtp: RawServer; fixture: SendFixture }>(['smtp', 'fixture']);
  const reader = (email: string): GeneratedSubscriber => ({ email, name: 'Reader', roles: ['CTO'], status: 'active' });
  const NOTICE =
    /notice: (sending|a real run would send) again to 1 reader whose message an earlier run may have delivered/;

  it('is sent again by the next worker run, which names that reader once before its first message', async () => {
    // Run alone with -t, or run again after a failure: the database starts empty.
    await db.pool.query(
      'DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM send_workers; DELETE FROM deliveries; DELETE FROM runs',
    );
    const f = await sendFixture(
      0,
      { concurrency: 1 },
      ['ann@example.com', 'bob@example.com', 'cy@example.com'].map(reader),
    );
    opened.fixture = f;
    let dropAnn = true;
    const smtp = await startRawServer({
      dataEnd: (_session, message) => (dropAnn && message.to[0] === 'ann@example.com' ? 'drop' : undefined),
    });
    opened.smtp = smtp;
    const env = { ...sendEnv(smtp.url()), DATABASE_URL: db.url() };
    // Each line with the number of messages the server had read when it was said.
    const run = async (dryRun: boolean) => {
      const lines: { line: string; reached: number }[] = [];
      const report = await sendIssue({
        issueDir: f.issueDir,
        subscribersFile: f.subscribersFile,
        cwd: f.dir,
        env,
        ratePerSecond: 0,
        dryRun,
        log: (line) => lines.push({ line, reached: smtp.messages.length }),
      });
      return { report, lines, notices: lines.filter(({ line }) => NOTICE.test(line)) };
    };

    const first = await run(false);
    expect(first.report.total.deferred).toBe(1);
    expect(first.notices).toHaveLength(0);

    dropAnn = false;
    const rehearsal = await run(true);
    expect(rehearsal.notices.map(({ line }) => line)).toEqual([
      expect.stringMatching(/a real run would send again .* — ann@example\.com \(/),
    ]);

    const reachedBefore = smtp.messages.length;
    const second = await run(false);
    const said = second.lines.map(({ line }) => line).join('\n');
    expect(second.report.total.sent, said).toBe(1);
    expect(second.notices, said).toHaveLength(1);
    expect(second.notices[0]?.line).toMatch(/notice: sending again .* — ann@example\.com \(/);
    expect(second.notices[0]?.line).not.toMatch(/bob@example\.com|cy@example\.com/);
    // Said before the run's first message reached the server.
    expect(second.notices[0]?.reached).toBe(reachedBefore);
    const reached = smtp.messages.map((m) => m.to.join()).sort();
    expect(reached).toEqual(['ann@example.com', 'ann@example.com', 'bob@example.com', 'cy@example.com']);

    // Once the copy is recorded sent, nothing is said again.
    const third = await run(false);
    expect(third.notices).toHaveLength(0);
    expect(smtp.messages).toHaveLength(4);
  }, 60_000);
});
