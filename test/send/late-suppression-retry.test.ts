import { describe, expect, it } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { addSuppression } from '../../src/send/store.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { until } from './_waiting.js';

/**
 * A message the server put off (4xx, throttling) waits seconds to minutes before its next try. A
 * reader who unsubscribes, bounces or complains meanwhile must not be mailed by that retry: the
 * suppression list read again during the send is consulted before every attempt, not only the first.
 */

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

describe('a reader suppressed while their message waits for a retry', () => {
  it('is not mailed by the retry, and is counted as suppressed, not sent', async () => {
    // The first try of the first message is put off ("451 Try again later" at RCPT TO, read as
    // greylisting): its retry comes 2 s later.
    opened.fixture = await sendFixture(8, { concurrency: 1, retryBaseMs: 2000, greylistRetryMs: 2000 });
    opened.server = await startSmtpServer({ faults: { tempFailRcpt: [1] } });
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
    await until(() => opened.server!.counts.rcpt >= 1, 'the put-off first try', 20_000, 2);
    // As `serve` records a one-click unsubscribe: another connection to the state file.
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    addSuppression(db, first, { reason: 'unsubscribe' });
    db.close();
    const report = await running;

    const mailed = (await opened.server.messages()).flatMap((m) => m.envelope.to);
    expect(mailed).not.toContain(first);
    expect(mailed).toHaveLength(plan.recipients.length - 1);
    expect(report.total.sent).toBe(plan.recipients.length - 1);
    expect(report.total.skipped.suppressed).toBe(1);
    expect(report.total.pending + report.total.deferred + report.total.failed).toBe(0);
    const status = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    const row = status.prepare('SELECT status FROM deliveries WHERE email = ?').get(first);
    status.close();
    expect(row).toBeUndefined();
  });
});
