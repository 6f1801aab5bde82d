import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { sendIssue } from '../../src/send/index.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

const send = (f: SendFixture, env: NodeJS.ProcessEnv, log?: (line: string) => void) =>
  sendIssue({ issueDir: f.issueDir, subscribersFile: f.subscribersFile, cwd: f.dir, env, ...(log ? { log } : {}) });

describe('one-click unsubscribe is never silently dropped', () => {
  it('refuses an SMTP send when an unsubscribe URL is configured but ROLECAST_SECRET is not, before sending anything', async () => {
    opened.fixture = await sendFixture(4);
    opened.server = await startSmtpServer();
    const error = await send(opened.fixture, { SMTP_URL: opened.server.url() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RolecastError);
    expect((error as RolecastError).exitCode).toBe(2);
    expect((error as RolecastError).message).toContain('ROLECAST_SECRET is not');
    expect(opened.server.counts.data).toBe(0);
  });

  it('refuses a signing key too short to resist guessing', async () => {
    opened.fixture = await sendFixture(2);
    const error = await send(opened.fixture, { ROLECAST_SECRET: 'short' }).catch((e: unknown) => e);
    expect((error as RolecastError).message).toContain('ROLECAST_SECRET is too short (5 characters)');
  });

  it('warns when an SMTP send has no unsubscribe URL, so no one-click unsubscribe, and sends', async () => {
    opened.fixture = await sendFixture(2);
    opened.server = await startSmtpServer();
    const file = join(opened.fixture.dir, 'rolecast.config.json');
    const config = JSON.parse(await readFile(file, 'utf8')) as { urls: Record<string, unknown> };
    delete config.urls.unsubscribe;
    delete config.urls.preferences;
    await writeFile(file, JSON.stringify(config));
    const lines: string[] = [];
    const report = await send(opened.fixture, sendEnv(opened.server.url()), (line) => lines.push(line));
    expect(report.total.sent).toBe(2);
    expect(lines.join('\n')).toMatch(/warning: urls\.unsubscribe: not set: .*one-click unsubscribe \(RFC 8058\)/);
    const [mail] = await opened.server.messages();
    expect(mail!.raw).toMatch(/^List-Unsubscribe: <mailto:/im);
    expect(mail!.raw).not.toMatch(/^List-Unsubscribe-Post:/im);
  });

  it('allows the outbox without a key, with a warning', async () => {
    opened.fixture = await sendFixture(2);
    const lines: string[] = [];
    const report = await send(opened.fixture, {}, (line) => lines.push(line));
    expect(report.total.sent).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain('warning: urls.unsubscribe is set but ROLECAST_SECRET is not');
  });
});
