import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { verifyClickVariant } from '../../src/analytics/token.js';
import { readEnvironment } from '../../src/config/env.js';
import { planAudience } from '../../src/group/index.js';
import { encodedSizes } from '../../src/render/encoded-size.js';
import { sendIssue } from '../../src/send/index.js';
import { BUSY_ROLES, writeBusyWeek } from '../helpers/busy-week.js';
import { runMain } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { type ReceivedMessage, startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type GeneratedSubscriber, type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A busy week's eight-role copy, over the clip limit, lists its last stories by headline. Sent over
 * a real loopback SMTP session to several readers of that role set, each message is that reader's
 * own (name, List-Unsubscribe, footer link), its plain text lists the same stories as its HTML,
 * its headline links are tracked as a full copy's are, and a second run sends nothing again.
 */

const opened = useSendFixture<TestSmtpServer>();

const READERS: GeneratedSubscriber[] = [
  { email: 'ann@example.test', name: 'Ann', roles: BUSY_ROLES, status: 'active' },
  {
    email: 'maximiliane.von.hohenzollern-sigmaringen@example.test',
    name: 'Maximiliane Charlotte von Hohenzollern-Sigmaringen',
    roles: BUSY_ROLES,
    status: 'active',
  },
  { email: 'pepe@example.test', name: 'José "Pepe" Núñez', roles: BUSY_ROLES, status: 'active' },
  { email: 'gone@example.test', name: 'Gone Reader', roles: BUSY_ROLES, status: 'unsubscribed' },
  { email: 'cto1@example.test', name: 'Cto One', roles: ['CTO'], status: 'active' },
  { email: 'cto2@example.test', name: 'Cto Two', roles: ['CTO'], status: 'active' },
];

async function busyFixture(): Promise<SendFixture> {
  const fixture = await sendFixture(0, {}, READERS);
  await rm(join(fixture.issueDir, 'summaries'), { recursive: true });
  await mkdir(join(fixture.issueDir, 'summaries'));
  await writeBusyWeek(fixture.issueDir);
  const configFile = fixture.temp.path('rolecast.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(configFile, JSON.stringify({ ...config, cards: { style: 'full' }, tracking: { clicks: true } }));
  return fixture;
}

const fromAttribute = (href: string) => href.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
/** The stories a message shows in full (card headings) and by headline (title and link), in order. */
function stories(message: ReceivedMessage) {
  const html = String(message.parsed.html);
  const full = [...html.matchAll(/<h3\b[^>]*>[\s\S]*?(Why team \d+)/g)].map((m) => m[1]!);
  const listed = [...html.matchAll(/<li id="rc-[^"]+"[^>]*><a href="([^"]+)"[^>]*>(Why team \d+)/g)].map((m) => ({
    title: m[2]!,
    href: fromAttribute(m[1]!),
  }));
  return { html, full, listed };
}

it('reaches each reader of the role set with their own fields, the same stories in both parts and tracked headlines', async () => {
  opened.fixture = await busyFixture();
  opened.server = await startSmtpServer();
  const env = sendEnv(opened.server.url());
  const options = {
    issueDir: opened.fixture.issueDir,
    subscribersFile: opened.fixture.subscribersFile,
    cwd: opened.fixture.dir,
    env,
  };
  const report = await sendIssue(options);
  expect(report.total).toMatchObject({ sent: 5, failed: 0, deferred: 0, pending: 0 });
  const messages = await opened.server.messages();
  expect(messages.map((m) => m.envelope.to[0]).sort()).toEqual(
    READERS.filter((r) => r.status === 'active')
      .map((r) => r.email)
      .sort(),
  );

  const project = await opened.fixture.load();
  const plan = planAudience(project.issue.summaries, [], project.subscribers!);
  const secret = readEnvironment(env).secret!;
  const tokens = new Map<string, string>();
  for (const message of messages) {
    const header = String(message.raw.match(/^List-Unsubscribe: <([^>]+)>/m)?.[1]);
    tokens.set(message.envelope.to[0]!, header);
  }
  let cut = 0;
  for (const message of messages) {
    const email = message.envelope.to[0]!;
    const reader = READERS.find((r) => r.email === email)!;
    const { variantId } = plan.recipients.find((r) => r.subscriber.email === email)!;
    const { html, full, listed } = stories(message);
    const text = String(message.parsed.text);
    // Their own name and unsubscribe link, in the header and the footer; no other reader's.
    expect(html).toContain(`${reader.name.split(' ')[0]!},`);
    expect(html).toContain(tokens.get(email)!.replace(/&/g, '&amp;'));
    expect(text).toContain(tokens.get(email)!);
    for (const [other, link] of tokens) {
      if (other === email) continue;
      expect(message.raw).not.toContain(other);
      expect(html + text).not.toContain(link.split('token=')[1]!);
    }
    if (!reader.roles.includes('Executive')) {
      expect(listed, email).toEqual([]);
      continue;
    }
    cut++;
    expect((await encodedSizes({ subject: '', html, text })).htmlBytes / 1024, email).toBeLessThan(100);
    expect(full.length, email).toBeGreaterThan(0);
    expect(listed.length, email).toBeGreaterThan(0);
    expect(new Set([...full, ...listed.map((l) => l.title)]).size).toBe(20);
    expect(html).toContain(`${listed.length} more stories in this issue`);
    // The plain text lists the same stories by headline, with the same links, after the same full cards.
    const textPart = text.slice(text.indexOf(`== ${listed.length} more stories in this issue ==`));
    expect(textPart.length).toBeLessThan(text.length);
    for (const { title, href } of listed) {
      expect(textPart.replace(/\s+/g, ' ')).toContain(title);
      expect(textPart).toContain(href);
      // Tracked as any card link: a signed /c/ link naming the role set and the send time.
      expect(href).toMatch(/^https:\/\/rolecast\.example\/c\/[\w-]+\.[\w-]+\?v=[\w.-]+&d=[0-9a-z]+$/);
      expect(verifyClickVariant(/\?v=([\w.-]+)/.exec(href)![1]!, project.issue.id, secret)).toBe(variantId);
    }
    for (const title of full) expect(text).toContain(title);
    expect(stories(messages.find((m) => m.envelope.to[0] === 'ann@example.test')!)).toMatchObject({ full, listed });
  }
  expect(cut).toBe(3);

  // The ledger holds them as any copy: a second run sends nothing again.
  const again = await sendIssue(options);
  expect(again.total.sent).toBe(0);
  expect(again.total.skipped.alreadySent).toBe(5);
  expect(await opened.server.messages()).toHaveLength(5);
}, 300_000);

it('shows in a test send as a reader the same stories in full as the reader gets', async () => {
  opened.fixture = await busyFixture();
  opened.server = await startSmtpServer();
  const env = sendEnv(opened.server.url());
  await sendIssue({
    issueDir: opened.fixture.issueDir,
    subscribersFile: opened.fixture.subscribersFile,
    cwd: opened.fixture.dir,
    env,
  });
  const sent = stories((await opened.server.messages()).find((m) => m.envelope.to[0] === 'ann@example.test')!);
  const run = await runMain(
    opened.fixture.dir,
    [
      'send',
      opened.fixture.issueDir,
      '--subscribers',
      opened.fixture.subscribersFile,
      '--test',
      'me@example.test',
      '--as',
      'ann@example.test',
    ],
    env,
  );
  expect(run.code, run.all).toBe(0);
  const test = stories((await opened.server.messages()).find((m) => m.envelope.to[0] === 'me@example.test')!);
  expect(test.full).toEqual(sent.full);
  expect(test.listed.map((l) => l.title)).toEqual(sent.listed.map((l) => l.title));
}, 300_000);
