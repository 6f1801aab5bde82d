import { describe, expect, it } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { appendToJournal, journalPath } from '../../src/send/journal.js';
import { addSuppression } from '../../src/send/store.js';
import { stateSuppressionList } from '../../src/serve/suppressions.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { until } from './_waiting.js';

/**
 * A suppression committed before a reader's message is handed to the server stops that message,
 * however recently: the send looks at the state file right before each message goes out, not only
 * at its background check (set here to a minute, so only that look can see it).
 */

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

type Suppress = (stateFile: string, email: string) => unknown;

const viaServe: Suppress = async (stateFile, email) => {
  // As `serve` answers a one-click unsubscribe: its own connection to the state file.
  const db = openStateDb(stateFile);
  const outcome = await stateSuppressionList(db).add(email, { reason: 'unsubscribe', source: 'one-click' });
  db.close();
  expect(outcome).toBe('added');
};
const viaJournal: Suppress = (stateFile, email) => {
  // As `serve` does when the state file takes no writes: the journal beside it, applied later.
  appendToJournal(journalPath(stateFile), {
    email,
    reason: 'unsubscribe',
    source: 'one-click',
    at: new Date().toISOString(),
  });
};
const byHand: Suppress = (stateFile, email) => {
  // As `rolecast suppress add` and a hard bounce from a webhook write it.
  const db = openStateDb(stateFile);
  addSuppression(db, email, { reason: 'bounce' });
  db.close();
};

async function sendWhileSuppressing(suppress: Suppress) {
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
  await suppress(`${opened.fixture.dir}/.rolecast/state.db`, second);
  release();
  const report = await running;
  const mailed = (await opened.server.messages()).flatMap((m) => m.envelope.to);
  return { report, mailed, second, planned: plan.recipients.length };
}

describe('a reader suppressed while the message before theirs is on the wire', () => {
  for (const [how, suppress, kind] of [
    ['unsubscribed through serve', viaServe, 'suppressed'],
    ['unsubscribed into the journal', viaJournal, 'suppressed'],
    ['suppressed by hand for a bounce', byHand, 'bounced'],
  ] as const)
    it(`is not mailed when ${how}, and is counted as ${kind}`, async () => {
      const { report, mailed, second, planned } = await sendWhileSuppressing(suppress);
      expect(mailed).not.toContain(second);
      expect(mailed).toHaveLength(planned - 1);
      expect(report.total.sent).toBe(planned - 1);
      expect(report.total.skipped[kind]).toBe(1);
      expect(report.total.pending + report.total.deferred + report.total.failed).toBe(0);
    });
});
