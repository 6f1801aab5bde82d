import { describe, expect, it } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { addSuppression } from '../../src/send/store.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';
import { until } from './_waiting.js';

/**
 * A message whose pipelined envelope went unanswered goes again on a new connection, one command
 * at a time, once the socket timeout ran out. A reader who unsubscribes during that wait must not
 * be mailed by the message going again: the suppression list is asked before it goes, as before
 * any retry.
 */

const opened = useSendFixture<RawServer>();

describe('a reader suppressed while their pipelined envelope goes unanswered', () => {
  it('is not mailed when the message goes again one command at a time', async () => {
    opened.fixture = await sendFixture(6, { concurrency: 1, socketTimeoutMs: 1500, retries: 1 });
    opened.server = await startRawServer({ firstCommandOfPacket: true });
    const project = await opened.fixture.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const first = plan.recipients[0]!.subscriber.email;
    const running = sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      lateSuppressionCheckMs: 20,
    });
    // Its MAIL FROM is read, the RCPT TO and DATA sent with it are not: the envelope waits for the timeout.
    await until(
      () => opened.server!.commands.some((c) => /^MAIL FROM/i.test(c)),
      'the first pipelined envelope',
      20_000,
      2,
    );
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    addSuppression(db, first, { reason: 'unsubscribe' });
    db.close();
    const report = await running;

    const mailed = opened.server.messages.filter((m) => m.accepted).flatMap((m) => m.to);
    expect(mailed).not.toContain(first);
    expect(mailed).toHaveLength(plan.recipients.length - 1);
    expect(report.total.sent).toBe(plan.recipients.length - 1);
    expect(report.total.skipped.suppressed).toBe(1);
    expect(report.total.pending + report.total.deferred + report.total.failed).toBe(0);
  }, 30_000);
});
