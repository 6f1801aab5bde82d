import { describe, expect, it } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { addSuppression } from '../../src/send/store.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';
import { occasion, whileRunning } from './_waiting.js';

/**
 * A server that allows one connection at once leaves the run one of its two: the second message
 * waits for that connection while the first waits for the reply to its end. A reader who
 * unsubscribes during that wait must not be mailed once the connection is free: the suppression
 * list is asked right before the message goes out, not only before it began to wait.
 */

const opened = useSendFixture<RawServer>();
const LATE_CHECK_MS = 20;

describe('a reader suppressed while their message waits for the one connection the server allows', () => {
  it('is not mailed once the connection is free', async () => {
    opened.fixture = await sendFixture(4, { concurrency: 2 });
    let open = 0;
    let ends = 0;
    const firstEnd = occasion("the end of the first message's data");
    const suppressed = occasion('the second reader suppressed');
    opened.server = await startRawServer({
      greeting: (session) => {
        if (open >= 1) return { hangUp: '421 4.7.0 Too many concurrent SMTP connections\r\n' };
        open++;
        session.socket.once('close', () => open--);
        return undefined;
      },
      // The first message's end is answered only once the reader is suppressed, and no sooner than the
      // age past which a send asks the list again: the second waits for the connection meanwhile.
      dataEnd: (session) => {
        if (++ends > 1) return undefined;
        firstEnd.happened();
        const aged = new Promise((resolve) => setTimeout(resolve, LATE_CHECK_MS * 5));
        void Promise.all([suppressed.done, aged]).then(
          () => session.write('250 2.0.0 queued\r\n'),
          () => session.socket.destroy(),
        );
        return null;
      },
    });
    const project = await opened.fixture.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const second = plan.recipients[1]!.subscriber.email;
    const running = sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      lateSuppressionCheckMs: LATE_CHECK_MS,
    });
    // A send that fails before the first message's end fails the test with its own error.
    await whileRunning(firstEnd.done, running, "the end of the first message's data");
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    addSuppression(db, second, { reason: 'unsubscribe' });
    db.close();
    suppressed.happened();
    const report = await running;

    const mailed = opened.server.commands.flatMap((c) => /^RCPT TO:<([^>]*)>/i.exec(c)?.[1] ?? []);
    expect(mailed).not.toContain(second);
    expect(new Set(mailed).size).toBe(plan.recipients.length - 1);
    expect(report.total.sent).toBe(plan.recipients.length - 1);
    expect(report.total.skipped.suppressed).toBe(1);
  }, 120_000);
});
