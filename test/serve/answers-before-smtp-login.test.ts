import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { captureStreams, runMain, type TempProject, tempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * `serve` listens while its SMTP login is still being checked: a server that greets late (Postfix
 * postscreen pauses for seconds) must not leave one-click unsubscribes or /healthz unanswered, and a
 * signup made meanwhile still gets its confirmation once the server greets.
 */

const SECRET = 'greeting-test-secret-0123456789abcdefghij';
const LIST_ID = 'weekly.rolecast.example';

let project: TempProject | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await smtp?.close();
  await project?.cleanup();
  smtp = undefined;
  project = undefined;
});

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, said: () => string) {
  for (let i = 0; i < 1000; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${what} did not happen; serve said:\n${said()}`);
}

function startServe(dir: string, env: NodeJS.ProcessEnv) {
  const output = captureStreams();
  const stop = new AbortController();
  const exited = main(['serve', '--port', '0'], {
    cwd: dir,
    env: { ROLECAST_SECRET: SECRET, ...env },
    stdout: output.stdout,
    stderr: output.stderr,
    signal: stop.signal,
  });
  const said = () => `${output.out}\n${output.err}`;
  return { output, stop, exited, said };
}

describe('serve while the SMTP server has not greeted yet', () => {
  it('answers /healthz and one-click unsubscribes, and mails a signup made meanwhile once greeted', async () => {
    let greet!: () => void;
    const greeted = new Promise<void>((resolve) => {
      greet = resolve;
    });
    smtp = await startSmtpServer({ faults: { holdGreeting: () => greeted } });
    project = await tempProject({ withExample: true });
    const serve = startServe(project.dir, { SMTP_URL: smtp.url() });
    try {
      const url = await waitFor('serve to listen', () => /listening on (\S+)/.exec(serve.output.out)?.[1], serve.said);
      const origin = new URL(url).origin;
      // The login check's connection is open and its greeting held.
      await waitFor('the login check to connect', () => (smtp!.counts.connections > 0 ? true : undefined), serve.said);

      expect((await fetch(`${origin}/healthz`)).status).toBe(200);
      const token = signToken({ email: 'held.reader@example.com', listId: LIST_ID }, SECRET);
      const unsubscribed = await fetch(`${url}?token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(unsubscribed.status).toBe(200);
      const listed = await runMain(project.dir, ['suppress', 'list'], { ROLECAST_SECRET: SECRET });
      expect(listed.out).toContain('held.reader@example.com\tunsubscribe\tone-click');

      const signup = await fetch(`${origin}/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: 'early.reader@example.com', roles: 'CTO' }).toString(),
        redirect: 'manual',
      });
      expect(signup.status).toBeLessThan(400);
      // Nothing has been greeted, so nothing can have been accepted yet.
      expect(smtp.counts.mailFrom).toBe(0);

      greet();
      const mail = await waitFor(
        'the confirmation mail',
        async () => (await smtp!.messages()).find((m) => m.envelope.to.includes('early.reader@example.com')),
        serve.said,
      );
      expect(mail.parsed.to).toMatchObject({ value: [{ address: 'early.reader@example.com' }] });
      expect(mail.parsed.text).toMatch(/\/confirm\?token=/);
      expect(serve.output.err).not.toContain('error');
    } finally {
      greet();
      serve.stop.abort();
    }
    expect(await serve.exited, serve.said()).toBe(0);
  }, 30_000);

  it('stops cleanly on Ctrl+C while the greeting is still held', async () => {
    let greet!: () => void;
    const greeted = new Promise<void>((resolve) => {
      greet = resolve;
    });
    smtp = await startSmtpServer({ faults: { holdGreeting: () => greeted } });
    project = await tempProject({ withExample: true });
    const serve = startServe(project.dir, { SMTP_URL: smtp.url() });
    try {
      await waitFor(
        'serve to listen',
        () => (serve.output.out.includes('listening on') ? true : undefined),
        serve.said,
      );
      await waitFor('the login check to connect', () => (smtp!.counts.connections > 0 ? true : undefined), serve.said);
      serve.stop.abort();
      expect(await serve.exited, serve.said()).toBe(0);
      expect(serve.output.out).toContain('stopped');
    } finally {
      greet();
    }
  }, 30_000);

  it('still stops, with the login error, when the server refuses the login', async () => {
    smtp = await startSmtpServer({
      auth: { user: 'digest', pass: 'right-password-1' },
      faults: { refuseLogin: { reply: () => '5.7.8 Authentication credentials invalid' } },
    });
    project = await tempProject({ withExample: true });
    const serve = startServe(project.dir, { SMTP_URL: smtp.url({ user: 'digest', pass: 'wrong-password-1' }) });
    const code = await serve.exited;
    expect(code, serve.said()).toBe(2);
    expect(serve.output.err).toContain('535');
    expect(serve.said()).not.toContain('wrong-password-1');
  }, 30_000);
});
