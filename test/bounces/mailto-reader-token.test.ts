import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unsubscribeRequestMail as request } from '../helpers/bounces.js';
import { runCli } from '../helpers/cli.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

const MX = 'mx.rolecast.example';
const TAGGED = 'ann+news@example.com';
const opened: { server?: TestSmtpServer; fixture?: SendFixture; cache?: string } = {};

afterEach(async () => {
  await opened.server?.close();
  await opened.fixture?.cleanup();
  if (opened.cache) await rm(opened.cache, { recursive: true, force: true });
  opened.server = undefined;
  opened.fixture = undefined;
  opened.cache = undefined;
});

/** The project sent W48 over SMTP to a tagged mailbox and bob; the env to run the CLI with again. */
async function sentToTaggedReader(): Promise<{ f: SendFixture; env: NodeJS.ProcessEnv; subject: string }> {
  const reader = (email: string) => ({ email, name: 'Reader', roles: ['CTO'], status: 'active' as const });
  const f = await sendFixture(0, {}, [reader(TAGGED), reader('bob@example.com')]);
  opened.fixture = f;
  const configFile = f.temp.path('rolecast.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(configFile, JSON.stringify({ ...config, bounces: { authServId: MX } }));
  opened.server = await startSmtpServer();
  opened.cache = await mkdtemp(join(tmpdir(), 'rolecast-cache-mailto-'));
  const env = { ...sendEnv(opened.server.url()), ROLECAST_CACHE_DIR: opened.cache };
  const sent = await runCli(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], { cwd: f.dir, env });
  expect(sent.code, sent.stderr).toBe(0);
  const mail = (await opened.server.messages()).find((m) => m.envelope.to.includes(TAGGED))!;
  // The header as the server got it, unfolded.
  const mailto = /^List-Unsubscribe:.*<(mailto:[^>]+)>/im.exec(mail.raw.replace(/\r?\n[ \t]+/g, ' '))?.[1];
  expect(mailto, mail.raw.slice(0, 2000)).toBeDefined();
  return { f, env, subject: new URL(mailto!).searchParams.get('subject')! };
}

async function importRequests(f: SendFixture, env: NodeJS.ProcessEnv, mails: Record<string, string>) {
  const folder = f.temp.path('requests');
  await mkdir(folder, { recursive: true });
  for (const [name, text] of Object.entries(mails)) await writeFile(join(folder, `${name}.eml`), text);
  const imported = await runCli(['bounces', 'import', folder], { cwd: f.dir, env });
  expect(imported.code, imported.stderr).toBe(0);
  return imported;
}

/** Next week's issue, sent over SMTP: who got it. */
async function nextIssueRecipients(f: SendFixture, env: NodeJS.ProcessEnv): Promise<string[]> {
  await cp(f.temp.path('issues/2026-W48'), f.temp.path('issues/2026-W49'), { recursive: true });
  const before = (await opened.server!.messages()).length;
  const sent = await runCli(['send', 'issues/2026-W49', '--subscribers', 'subscribers.json'], { cwd: f.dir, env });
  expect(sent.code, sent.stderr).toBe(0);
  return (await opened.server!.messages())
    .slice(before)
    .flatMap((m) => m.envelope.to)
    .sort();
}

describe("an unsubscribe by the message's mailto reaches the reader it was sent to", () => {
  it('from the untagged address of a tagged mailbox: the tagged reader gets no further issue', async () => {
    const { f, env, subject } = await sentToTaggedReader();
    // A mail client sends the request from the account's own address, not the tagged one.
    await importRequests(f, env, {
      ann: request('Ann <ann@example.com>', subject, [`${MX}; dmarc=pass header.from=example.com`]),
    });
    const list = await runCli(['suppress', 'list'], { cwd: f.dir, env });
    expect(list.stdout).toContain(TAGGED);
    expect(await nextIssueRecipients(f, env)).toEqual(['bob@example.com']);
  });

  it('the signed subject alone names the reader, with no Authentication-Results, as the one-click link does', async () => {
    const { f, env, subject } = await sentToTaggedReader();
    await importRequests(f, env, { ann: request('ann@forwarded.example', subject, []) });
    expect(await nextIssueRecipients(f, env)).toEqual(['bob@example.com']);
  });

  it('a subject whose token was tampered with suppresses nobody it names, and the unverified sender neither', async () => {
    const { f, env, subject } = await sentToTaggedReader();
    const tampered = subject.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const imported = await importRequests(f, env, { mallory: request('mallory@example.net', tampered, []) });
    expect(imported.stdout + imported.stderr).toMatch(/set bounces\.authServId|did not verify/);
    expect(await nextIssueRecipients(f, env)).toEqual(['bob@example.com', TAGGED].sort());
  });
});
