import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import { sendIssue } from '../../src/send/index.js';
import { appendToJournal, journalPath } from '../../src/send/journal.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { until } from './_waiting.js';

/**
 * A send waits seconds to minutes for a message's retry; meanwhile a clean-up deletes the state
 * file's `-wal` and `-shm`, and the reader unsubscribes. `serve`, seeing the log gone, journals the
 * unsubscribe beside the file; the send's check each second finds the log deleted and puts what it
 * held into the file. It then read the suppression list and the journal no more, yet went on: the
 * retry mailed the reader who had left, and only then did its ledger write stop the send. The send
 * now stops once the check finds the log deleted: the waiting message is not sent.
 */

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

describe("a send's log deleted while a message waits for its retry", () => {
  it('sends nothing more, so a reader who unsubscribes meanwhile is not mailed', async () => {
    // The only message's first try is put off; its retry comes 3–6 s later.
    opened.fixture = await sendFixture(1, { concurrency: 1, retryBaseMs: 3000 });
    opened.server = await startSmtpServer({ faults: { tempFailRcpt: [1] } });
    const project = await opened.fixture.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const reader = plan.recipients[0]!.subscriber.email;
    const state = `${opened.fixture.dir}/.rolecast/state.db`;
    const running = sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      lateSuppressionCheckMs: 20,
    });
    await until(() => opened.server!.counts.rcpt >= 1, 'the put-off first try', 20_000, 2);
    rmSync(`${state}-wal`);
    rmSync(`${state}-shm`);
    // As `serve` records a one-click unsubscribe once the log under it is gone.
    appendToJournal(journalPath(state), {
      email: reader,
      reason: 'unsubscribe',
      source: 'one-click',
      at: new Date().toISOString(),
    });
    const report = await running;

    expect((await opened.server.messages()).flatMap((m) => m.envelope.to)).not.toContain(reader);
    expect(report.total.sent).toBe(0);
    expect(report.halted?.reason).toMatch(/was deleted while the send ran: the send stopped/);
  });
});
