import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import type { Variant } from '../../src/group/index.js';
import { type Compile, defaultCompile } from '../../src/send/compose.js';
import { sendIssue } from '../../src/send/index.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type GeneratedSubscriber, type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A dry run renders each role set as the real run will, `?v=` on its click links included: as the
 * issue's earlier run decided, not counted afresh. A role set two readers held when the issue went
 * out, one of whom has since left the list, carries `?v=` in a resend; the dry run of that resend
 * rendered it without, so its size and link checks were of other messages than the ones sent.
 */

const reader = (email: string, roles: string[]): GeneratedSubscriber => ({
  email,
  name: email.split('@')[0]!,
  roles,
  status: 'active',
});
const LONE = ['Security Engineer', 'Head of ML'];

let fixture: SendFixture | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await smtp?.close();
  await fixture?.cleanup();
  smtp = fixture = undefined;
});

/** The `clickTagged` of each role set a run hands to the renderer. */
function recordingCompile(seen: Map<string, boolean | undefined>): Compile {
  return (project, variants: Variant[], options) => {
    for (const variant of variants) seen.set(variant.id, variant.clickTagged);
    return defaultCompile(project, variants, options);
  };
}

it("a dry run's role sets carry ?v= as the issue's earlier run decided, as the real run's do", async () => {
  fixture = await sendFixture(0, {}, [
    reader('alone@example.test', LONE),
    reader('gone@example.test', LONE),
    reader('c1@example.test', ['VP of Data']),
    reader('c2@example.test', ['VP of Data']),
  ]);
  const configFile = fixture.temp.path('rolecast.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(configFile, JSON.stringify({ ...config, tracking: { clicks: true } }));
  // Runs that mail readers: a trial to the outbox decides no role set's `?v=`.
  smtp = await startSmtpServer();
  const run = (more: Record<string, unknown>) =>
    sendIssue({
      issueDir: fixture!.issueDir,
      subscribersFile: fixture!.subscribersFile,
      cwd: fixture!.dir,
      env: sendEnv(smtp!.url()),
      ...more,
    });
  expect((await run({})).total.sent).toBe(4);
  // One reader of the role set leaves the list; the issue is sent again to those still on it.
  await writeFile(
    fixture.subscribersFile,
    JSON.stringify({ subscribers: fixture.subscribers.filter((s) => s.email !== 'gone@example.test') }),
  );
  const rehearsed = new Map<string, boolean | undefined>();
  await run({ dryRun: true, resend: true, compile: recordingCompile(rehearsed) });
  const sent = new Map<string, boolean | undefined>();
  expect((await run({ resend: true, compile: recordingCompile(sent) })).total.sent).toBe(3);
  expect(sent.get('director-of-ai-ml+security-lead')).toBe(true);
  expect(Object.fromEntries(rehearsed)).toEqual(Object.fromEntries(sent));
}, 60_000);
