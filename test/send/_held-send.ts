import { planAudience } from '../../src/group/index.js';
import { sendIssue } from '../../src/send/index.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { until } from './_waiting.js';

/**
 * Sends to `readers` readers over one connection, holding the first message's reply; meanwhile
 * `suppress` is given the state file and the second reader, whose message is built and waits for its
 * turn. The background check is set to a minute, so only the look right before a message goes out
 * can see what `suppress` did.
 */
export async function sendWhileSecondIsSuppressed(
  opened: { server?: TestSmtpServer | undefined; fixture?: SendFixture | undefined },
  readers: number,
  suppress: (stateFile: string, email: string) => unknown,
) {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let dataEnded = 0;
  const fixture = await sendFixture(readers, { concurrency: 1 });
  opened.fixture = fixture;
  const server = await startSmtpServer({
    faults: { holdData: held },
    onDataEnd: () => {
      dataEnded++;
    },
  });
  opened.server = server;
  const project = await fixture.load();
  const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
  const second = plan.recipients[1]!.subscriber.email;
  const running = sendIssue({
    issueDir: fixture.issueDir,
    subscribersFile: fixture.subscribersFile,
    cwd: fixture.dir,
    env: sendEnv(server.url()),
    lateSuppressionCheckMs: 60_000,
  });
  await until(() => dataEnded >= 1, 'the first message taken, its reply held', 20_000, 2);
  await suppress(`${fixture.dir}/.rolecast/state.db`, second);
  release();
  const report = await running;
  const mailed = (await server.messages()).flatMap((m) => m.envelope.to);
  return { report, mailed, second, planned: plan.recipients.length };
}
