import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureStreams, runMain, type TempProject, tempProject } from '../helpers/project.js';
import { type ReceivedMessage, startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * The welcome message goes to a reader of the list, as every issue does, so it carries the same way
 * out: List-Unsubscribe with the signed one-click link and the mailto, List-Unsubscribe-Post, and an
 * unsubscribe link in its HTML and text. Through `rolecast serve` (in process) and a loopback SMTP
 * server; the link is then used, and the next send skips the reader.
 */

const SECRET = 'welcome-test-secret-0123456789abcdefghij';
const READER = 'welcome.reader@example.com';

let project: TempProject;
let smtp: TestSmtpServer;
let stop: AbortController;
let served: Promise<number>;
let output: ReturnType<typeof captureStreams>;
let unsubscribeEndpoint: string;
let origin: string;
const env = () => ({ SMTP_URL: smtp.url(), ROLECAST_SECRET: SECRET });
const said = () => `${output.out}\n${output.err}`;

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${what} did not happen; serve said:\n${said()}`);
}

const mailTo = (subject: string) =>
  waitFor(`the mail "${subject}"`, async () =>
    (await smtp.messages()).find((m) => m.envelope.to.includes(READER) && m.parsed.subject === subject),
  );

/** The two addresses of a message's List-Unsubscribe header, unfolded. */
function listUnsubscribe({ raw }: ReceivedMessage): { url: string; mailto: string } {
  const value = String(/^List-Unsubscribe:((?:.*\r?\n[ \t].*)*.*)$/m.exec(raw)?.[1]).replace(/\s+/g, '');
  const [, url = '', mailto = ''] = /^<(https:[^>]+)>,<(mailto:[^>]+)>$/.exec(value) ?? [];
  return { url, mailto };
}

const post = (url: string, body: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });

beforeAll(async () => {
  smtp = await startSmtpServer();
  project = await tempProject({ withExample: true });
  const configFile = project.path('rolecast.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(configFile, JSON.stringify({ ...config, readers: { welcome: true } }, null, 2));
  output = captureStreams();
  stop = new AbortController();
  served = main(['serve', '--port', '0'], {
    cwd: project.dir,
    env: env(),
    stdout: output.stdout,
    stderr: output.stderr,
    signal: stop.signal,
  });
  unsubscribeEndpoint = await waitFor('serve to listen', () => /listening on (\S+)/.exec(output.out)?.[1]);
  origin = new URL(unsubscribeEndpoint).origin;
}, 60_000);

afterAll(async () => {
  stop?.abort();
  await served;
  await smtp?.close();
  await project?.cleanup();
});

describe('the welcome message', () => {
  let welcome: ReceivedMessage;

  it('is mailed once the reader confirms', async () => {
    const signup = await post(`${origin}/subscribe`, new URLSearchParams({ email: READER, roles: 'CTO' }).toString());
    expect(signup.status, said()).toBeLessThan(400);
    const confirmation = await mailTo('Confirm your subscription to Rolecast Weekly');
    const link = /https?:\/\/\S+\/confirm\?token=([\w.-]+)/.exec(confirmation.parsed.text ?? '');
    expect(link, confirmation.parsed.text).not.toBeNull();
    const confirmed = await post(`${origin}/confirm`, new URLSearchParams({ token: link![1]! }).toString());
    expect(confirmed.status, said()).toBe(200);
    welcome = await mailTo('Welcome to Rolecast Weekly');
  });

  it('carries List-Unsubscribe with the signed one-click link and the mailto, and List-Unsubscribe-Post', () => {
    expect(welcome.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(welcome.raw).toMatch(/^List-Id: Rolecast Weekly <weekly\.rolecast\.example>\r?$/im);
    const { url, mailto } = listUnsubscribe(welcome);
    expect(url).toMatch(/^https:\/\/rolecast\.example\/unsubscribe\?token=[\w.-]+$/);
    // The mailto's subject names the reader by the same signed token, whatever address replies.
    const token = new URL(url).searchParams.get('token');
    expect(mailto).toBe(`mailto:unsubscribe@rolecast.example?subject=unsubscribe%20weekly.rolecast.example%20${token}`);
  });

  it('shows the unsubscribe link in its HTML and its text', () => {
    const { url } = listUnsubscribe(welcome);
    const html = String(welcome.parsed.html);
    const shown = /<a href="([^"]+)"[^>]*>Unsubscribe<\/a>/.exec(html)?.[1];
    expect(shown?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')).toBe(url);
    expect(welcome.parsed.text).toContain(`Unsubscribe:\n${url}`);
  });

  it('unsubscribes its reader by one click, and the next send mails them nothing', async () => {
    const token = new URL(listUnsubscribe(welcome).url).searchParams.get('token')!;
    const clicked = await post(`${unsubscribeEndpoint}?token=${token}`, 'List-Unsubscribe=One-Click');
    expect(clicked.status, said()).toBe(200);
    const listed = await runMain(project.dir, ['suppress', 'list'], { ROLECAST_SECRET: SECRET });
    expect(listed.out).toContain(`${READER}\tunsubscribe\tone-click`);
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--json'], { ROLECAST_SECRET: SECRET });
    expect(sent.code, sent.all).toBe(0);
    const report = JSON.parse(sent.out) as { total: { sent: number; skipped: { suppressed: number } } };
    expect(report.total).toMatchObject({ sent: 0, skipped: { suppressed: 1 } });
  });
});
