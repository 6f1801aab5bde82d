import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { launchBrowser } from '../helpers/browser.js';
import { captureStreams, runMain, type TempProject, tempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * The whole reader journey in headless Chromium against `rolecast serve` (the CLI command, in
 * process) and a loopback SMTP server: subscribe, confirm from the mail, choose roles, receive the
 * matching sections, pause, unsubscribe.
 */

const SECRET = 'journey-test-secret-0123456789abcdefghij';
const READER = 'journey.reader@example.com';

let project: TempProject;
let smtp: TestSmtpServer;
let browser: Browser;
let page: Page;
let stop: AbortController;
let served: Promise<number>;
let serveOutput: ReturnType<typeof captureStreams>;
let origin: string;
let env: NodeJS.ProcessEnv;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; serve said:\n${serveOutput.out}\n${serveOutput.err}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const mailsTo = async (address: string) => (await smtp.messages()).filter((m) => m.envelope.to.includes(address));

beforeAll(async () => {
  browser = await launchBrowser();
  smtp = await startSmtpServer();
  project = await tempProject({ withExample: true });
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  const configFile = project.path('rolecast.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  config.urls = { unsubscribe: `${origin}/unsubscribe`, preferences: `${origin}/preferences` };
  config.readers = { perIpPerHour: 50 };
  await writeFile(configFile, JSON.stringify(config, null, 2));
  env = { SMTP_URL: smtp.url(), ROLECAST_SECRET: SECRET };
  stop = new AbortController();
  serveOutput = captureStreams();
  served = main(['serve', '--port', String(port)], {
    cwd: project.dir,
    env,
    stdout: serveOutput.stdout,
    stderr: serveOutput.stderr,
    signal: stop.signal,
  });
  await waitFor('serve to listen', () => (serveOutput.out.includes('listening on') ? true : undefined));
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
}, 60_000);

afterAll(async () => {
  stop?.abort();
  await served;
  await page?.close();
  await browser?.close();
  await smtp?.close();
  await project?.cleanup();
});

/** WCAG 2 A/AA violations axe-core finds on a page (in a context that lets its script run). */
async function axeViolations(url: string): Promise<string[]> {
  const source = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const context = await browser.newContext({ bypassCSP: true });
  try {
    const audit = await context.newPage();
    await audit.goto(url);
    await audit.addScriptTag({ content: source });
    const result = (await audit.evaluate(() =>
      (window as unknown as { axe: { run(o: unknown): Promise<unknown> } }).axe.run({
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] },
      }),
    )) as { passes: unknown[]; violations: { id: string; nodes: { target: string[] }[] }[] };
    // A run that checked nothing would pass anything.
    expect(result.passes.length).toBeGreaterThan(10);
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  } finally {
    await context.close();
  }
}

describe('a reader joins, chooses roles, pauses and leaves', () => {
  let preferencesLink: string;

  it('subscribes from the form and confirms from the mail', async () => {
    await page.goto(`${origin}/subscribe`);
    await page.getByLabel('Email address').fill(READER);
    await page.getByLabel('Name (optional)').fill('Journey Reader');
    await page.getByLabel('CTO', { exact: true }).check();
    // The script filled the browser's zone into the select; the page works without it too.
    expect(await page.locator('#timezone').inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();

    const [mail] = await waitFor('the confirmation mail', async () => {
      const found = await mailsTo(READER);
      return found.length ? found : undefined;
    });
    expect(mail!.parsed.subject).toBe('Confirm your subscription to Rolecast Weekly');
    const link = /https?:\/\/\S+\/confirm\?token=[\w.-]+/.exec(mail!.parsed.text ?? '')?.[0];
    expect(link).toBeDefined();
    expect(mail!.parsed.html).toContain(new URL(link!).searchParams.get('token'));

    await page.goto(link!);
    // Opening the link confirms nothing.
    const pending = await runMain(project.dir, ['subscribers', 'list', '--status', 'pending'], env);
    expect(pending.out).toContain(READER);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'You are subscribed' }).waitFor();
    preferencesLink = (await page.getByRole('link', { name: 'Choose your roles and settings' }).getAttribute('href'))!;
    expect(preferencesLink).toMatch(/\/preferences\?token=/);
    const active = await runMain(project.dir, ['subscribers', 'list', '--status', 'active'], env);
    expect(active.out).toMatch(new RegExp(`^${READER}\\tactive\\tCTO\\tJourney Reader`, 'm'));
  });

  it('the signup and preferences pages pass axe-core WCAG 2.1 AA checks', async () => {
    expect(await axeViolations(`${origin}/subscribe`)).toEqual([]);
    expect(await axeViolations(preferencesLink)).toEqual([]);
  });

  it('changes roles on the preferences page, and the next send gives the new sections', async () => {
    await page.goto(preferencesLink);
    await page.getByLabel('CTO', { exact: true }).uncheck();
    await page.getByLabel('Engineering Manager', { exact: true }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your changes are saved.').waitFor();
    const listed = await runMain(project.dir, ['subscribers', 'list', '--json'], env);
    expect(JSON.parse(listed.out)[0]).toMatchObject({ email: READER, roles: ['Engineering Manager'] });

    const sent = await runMain(project.dir, ['send', 'issues/2026-W48'], env);
    expect(sent.code, sent.all).toBe(0);
    const digest = (await mailsTo(READER)).find(
      (m) => m.parsed.subject !== 'Confirm your subscription to Rolecast Weekly',
    );
    expect(digest).toBeDefined();
    expect(digest!.parsed.text).toContain('For Engineering Manager');
    expect(digest!.parsed.text).not.toContain('For CTO');
    // The footer's preferences link opens the same page.
    const footer = /href="([^"]*\/preferences\?token=[^"]+)"/.exec(String(digest!.parsed.html))?.[1];
    expect(footer).toBeDefined();
    preferencesLink = footer!.replace(/&amp;/g, '&');
  });

  it('pauses: the next send skips the reader', async () => {
    await page.goto(preferencesLink);
    await page.getByLabel('Pause for').selectOption('2');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByText('Your subscription is paused.').waitFor();
    const before = (await mailsTo(READER)).length;
    const resent = await runMain(project.dir, ['send', 'issues/2026-W48', '--resend', '--json'], env);
    expect(resent.code, resent.all).toBe(0);
    const report = JSON.parse(resent.out) as { readers: { paused: number }; total: { sent: number } };
    expect(report.readers.paused).toBe(1);
    expect(report.total.sent).toBe(0);
    expect((await mailsTo(READER)).length).toBe(before);
  });

  it('unsubscribes from everything: the address is on the suppression list', async () => {
    await page.goto(preferencesLink);
    await page.getByRole('button', { name: 'Unsubscribe from everything' }).click();
    await page.getByText('You are unsubscribed.').waitFor();
    const list = await runMain(project.dir, ['suppress', 'list', '--json'], env);
    expect(JSON.parse(list.out)).toEqual([expect.objectContaining({ email: READER, source: 'preferences' })]);
    const audit = await runMain(project.dir, ['subscribers', 'list', '--status', 'unsubscribed'], env);
    expect(audit.out).toContain(READER);
    // Signing up again mails only a new confirmation link: until it is used, the suppression list
    // keeps the reader out of every send.
    const before = (await smtp.messages()).length;
    await page.goto(`${origin}/subscribe`);
    await page.getByLabel('Email address').fill(READER);
    await page.getByLabel('CTO', { exact: true }).check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    await waitFor('the new confirmation mail', async () =>
      (await smtp.messages()).length > before ? true : undefined,
    );
    const resent = await runMain(project.dir, ['send', 'issues/2026-W48', '--resend'], env);
    expect(resent.code, resent.all).toBe(0);
    const after = (await smtp.messages()).slice(before);
    expect(after.map((m) => [m.envelope.to, m.parsed.subject])).toEqual([
      [[READER], 'Confirm your subscription to Rolecast Weekly'],
    ]);
  });
});
