import { readFile, utimes, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { launchBrowser } from '../helpers/browser.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { captureStreams, runMain, type TempProject, tempProject } from '../helpers/project.js';
import { type ReceivedMessage, startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * Readers of a subscribers file on the preferences page, for real: `rolecast serve` (the CLI
 * command, in process) with headless Chromium on its pages, and `rolecast send --subscribers`
 * over a loopback SMTP server, which keeps every message.
 */
export interface FileReaders {
  project: TempProject;
  smtp: TestSmtpServer;
  browser: Browser;
  /** Where `serve` listens: its signup form is at `${origin}/subscribe`. */
  origin: string;
  /** A reader's link to `path` (`/preferences`, `/unsubscribe`), as their messages carry it. */
  linkFor(path: string, email: string): string;
  /** A reader's preferences page, opened from the link in their messages. */
  preferences(email: string): Promise<Page>;
  /** Writes a subscribers file, last changed `minutesAgo` minutes ago. */
  writeList(name: string, entries: unknown[], minutesAgo?: number): Promise<void>;
  /** `rolecast <args>` with this project's SMTP server and secret. */
  run(args: string[]): ReturnType<typeof runMain>;
  /** Messages the SMTP server took for `address` (by envelope). */
  mailsTo(address: string): Promise<ReceivedMessage[]>;
  /** Waits for the nth message to `address` (1-based). */
  waitForMail(address: string, count?: number): Promise<ReceivedMessage>;
  /** Asks for `to` on `from`'s preferences page and confirms it from the mail sent to `to`, in the browser. */
  moveAddress(from: string, to: string): Promise<void>;
  close(): Promise<void>;
}

export const SECRET = 'file-readers-secret-0123456789abcdefghij';

/** `env`: more environment for serve and the commands (DATABASE_URL puts the state in PostgreSQL). */
export async function startFileReaders(env: Record<string, string> = {}): Promise<FileReaders> {
  const browser = await launchBrowser();
  const smtp = await startSmtpServer();
  const project = await tempProject({ withExample: true });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const configFile = project.path('rolecast.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  config.urls = { unsubscribe: `${origin}/unsubscribe`, preferences: `${origin}/preferences` };
  config.readers = { perIpPerHour: 100 };
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const listId = String(config.listId);
  const commandEnv = { SMTP_URL: smtp.url(), ROLECAST_SECRET: SECRET, ...env };
  const stop = new AbortController();
  const output = captureStreams();
  const served = main(['serve', '--port', String(port)], {
    cwd: project.dir,
    env: commandEnv,
    stdout: output.stdout,
    stderr: output.stderr,
    signal: stop.signal,
  });
  const until = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; serve said:\n${output.out}\n${output.err}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  await until('serve to listen', () => (output.out.includes('listening on') ? true : undefined));
  const mailsTo = async (address: string) => (await smtp.messages()).filter((m) => m.envelope.to.includes(address));
  const waitForMail = (address: string, count = 1) =>
    until(`message ${count} to ${address}`, async () => (await mailsTo(address))[count - 1]);
  const preferences = async (email: string) => {
    const page = await browser.newPage();
    const token = signToken({ email, listId }, SECRET);
    await page.goto(`${origin}/preferences?${new URLSearchParams({ token })}`);
    return page;
  };
  return {
    project,
    smtp,
    browser,
    origin,
    linkFor: (path, email) =>
      `${origin}${path}?${new URLSearchParams({ token: signToken({ email, listId }, SECRET) })}`,
    preferences,
    async writeList(name, entries, minutesAgo = 60) {
      await project.write(name, JSON.stringify(entries));
      const at = new Date(Date.now() - minutesAgo * 60_000);
      await utimes(project.path(name), at, at);
    },
    run: (args) => runMain(project.dir, args, commandEnv),
    mailsTo,
    waitForMail,
    async moveAddress(from, to) {
      const page = await preferences(from);
      // `to` may have had mail before (an issue, an earlier move): the confirmation is the next one.
      const before = (await mailsTo(to)).length;
      await page.getByLabel('Email address').fill(to);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('We sent a confirmation email to your new address.').waitFor({ timeout: 5000 });
      const mail = await waitForMail(to, before + 1);
      const link = /https?:\/\/\S+\/confirm\?token=[\w.-]+/.exec(mail.parsed.text ?? '')?.[0];
      expect(link).toBeDefined();
      await page.goto(link!);
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.getByRole('heading', { name: 'You are subscribed' }).waitFor({ timeout: 5000 });
      await page.close();
    },
    async close() {
      stop.abort();
      await served;
      await browser.close();
      await smtp.close();
      await project.cleanup();
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The display name a message was addressed to, '' when none. */
export function toName(message: ReceivedMessage): string {
  const to = message.parsed.to;
  return (to && !Array.isArray(to) ? to.value[0]?.name : '') ?? '';
}

/**
 * Declares `scenario` twice: with the state in a SQLite file, and with it in PostgreSQL (a fresh
 * database named after `database`; skipped without a server outside CI, as every PostgreSQL suite).
 */
export function onEveryBackend(title: string, database: string, scenario: (start: () => FileReaders) => void): void {
  describe(title, () => {
    let h: FileReaders;
    beforeAll(async () => {
      h = await startFileReaders();
    }, 60_000);
    afterAll(() => h?.close());
    scenario(() => h);
  });
  describePostgres(`${title}, with the state in PostgreSQL`, () => {
    const databaseUrl = useFreshDatabase(database);
    let h: FileReaders;
    beforeAll(async () => {
      h = await startFileReaders({ DATABASE_URL: databaseUrl() });
    }, 60_000);
    afterAll(() => h?.close());
    scenario(() => h);
  });
}
