import { describe, expect, it } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import { sendIssue } from '../../src/send/index.js';
import { appendToJournal, journalPath } from '../../src/send/journal.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { until } from './_waiting.js';

/**
 * A bounce or complaint `serve` could only journal (the state file took no writes), caught by the
 * look right before the reader's message goes out, is counted by its reason, as the same
 * suppression committed to the state file is. The background check is set to a minute, so only
 * that look can see it.
 */

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

async function sendWhileJournaling(reason: string) {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let dataEnded = 0;
  opened.fixture = await sendFixture(4, { concurrency: 1 });
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
  appendToJournal(journalPath(`${opened.fixture.dir}/.rolecast/state.db`), {
    email: second,
    reason,
    source: 'webhook',
    at: new Date().toISOString(),
  });
  release();
  const report = await running;
  const mailed = (await opened.server.messages()).flatMap((m) => m.envelope.to);
  return { report, mailed, second, planned: plan.recipients.length };
}

describe('a bounce or complaint journaled while the message before the reader’s is on the wire', () => {
  for (const [reason, kind] of [
    ['hard bounce', 'bounced'],
    ['complaint', 'complained'],
    ['unsubscribe', 'suppressed'],
  ] as const)
    it(`journaled as "${reason}" stops the message and is counted as ${kind}`, async () => {
      const { report, mailed, second, planned } = await sendWhileJournaling(reason);
      expect(mailed).not.toContain(second);
      expect(report.total.sent).toBe(planned - 1);
      expect(report.total.skipped[kind]).toBe(1);
      const others = (['bounced', 'complained', 'suppressed'] as const).filter((k) => k !== kind);
      for (const other of others) expect(report.total.skipped[other] ?? 0).toBe(0);
    });
});
