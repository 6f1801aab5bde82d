import { renameSync } from 'node:fs';
import { expect, it } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import { sendIssue } from '../../src/send/index.js';
import { appendToJournal, journalPath } from '../../src/send/journal.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { until } from './_waiting.js';

/**
 * An unsubscribe `serve` journaled stays an unsubscribe while a replay has renamed the journal
 * aside and not yet committed it (the replay under way, or stopped by a state file that still
 * takes no writes, which leaves the renamed copy for the next one). The background check is set
 * to a minute, so only the look right before the message goes out can see it.
 */

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

it('a reader whose journaled unsubscribe a replay set aside is not mailed, and is counted as suppressed', async () => {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let dataEnded = 0;
  opened.fixture = await sendFixture(5, { concurrency: 1 });
  // The first message's reply waits: the second reader's message is built and waits for its turn.
  opened.server = await startSmtpServer({
    faults: { holdData: held },
    onDataEnd: () => {
      dataEnded++;
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
    lateSuppressionCheckMs: 60_000,
  });
  await until(() => dataEnded >= 1, 'the first message taken, its reply held', 20_000, 2);
  const journal = journalPath(`${opened.fixture.dir}/.rolecast/state.db`);
  appendToJournal(journal, { email: second, reason: 'unsubscribe', source: 'one-click', at: new Date().toISOString() });
  // As a replay by `serve` does first, before its commit.
  renameSync(journal, `${journal}.replaying-1-1-aside`);
  release();
  const report = await running;
  const mailed = (await opened.server.messages()).flatMap((m) => m.envelope.to);
  expect(mailed).not.toContain(second);
  expect(mailed).toHaveLength(plan.recipients.length - 1);
  expect(report.total.sent).toBe(plan.recipients.length - 1);
  expect(report.total.skipped.suppressed).toBe(1);
  expect(report.total.pending + report.total.deferred + report.total.failed).toBe(0);
});
