import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { redactUrl } from '../../src/config/env.js';
import { RolecastError } from '../../src/errors.js';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { formatReport } from '../../src/send/report.js';
import { classifyFailure, isThrottling } from '../../src/send/retry.js';
import { credentialScrubber, scrubError } from '../../src/send/scrub.js';
import { createSmtpTransport, type MailTransport } from '../../src/send/transport.js';
import { perTest } from '../helpers/per-test.js';
import { captureStreams } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A server that quotes the credentials it refused must not get the password printed: not as
 * typed, not as written in the URL, not as the base64 the client sent it in.
 */

const user = 'alice';
const pass = 'Pw0rd/XYZ.secret';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const forms = [pass, encodeURIComponent(pass), b64(pass), b64(`\u0000${user}\u0000${pass}`)];
const quoting = (u: string, p: string) =>
  `5.7.8 Bad creds for ${u}/${p} (url ${encodeURIComponent(p)}, ${b64(p)}, plain ${b64(`\u0000${u}\u0000${p}`)})`;

const opened = perTest<{ transport: MailTransport; server: TestSmtpServer; fixture: SendFixture }>([
  'transport',
  'server',
  'fixture',
]);

function expectNoPassword(text: string): void {
  for (const form of forms) expect(text).not.toContain(form);
}

describe('credentialScrubber', () => {
  it('takes out the password as typed, as in the URL and in base64, and the AUTH PLAIN string', () => {
    const scrub = credentialScrubber(`smtp://${user}:${encodeURIComponent(pass)}@mail.example`, { user, pass });
    const scrubbed = scrub(quoting(user, pass));
    expectNoPassword(scrubbed);
    expect(scrubbed).toContain('Bad creds for alice/***');
    expect(credentialScrubber('smtp://mail.example', undefined)('250 OK')).toBe('250 OK');
  });

  it.each<[string, (p: string) => string]>([
    ['its tab turned into a space', (p) => p.replace(/\t/g, ' ')],
    ['its whitespace runs made one space', (p) => p.replace(/\s+/g, ' ')],
    ['its tab turned into spaces, trimmed', (p) => p.replace(/\t/g, '    ').trim()],
    ['its whitespace taken out', (p) => p.replace(/\s+/g, '')],
    ['as typed', (p) => p],
    ['percent-encoded', (p) => encodeURIComponent(p)],
    ['as AUTH PLAIN with the user name as its first part too', (p) => b64(`${user}\u0000${user}\u0000${p}`)],
  ])('takes out a password holding a tab and spaces, quoted back %s', (_name, quoted) => {
    const spaced = ' Pw0rd\tXYZ  secret9 ';
    const scrub = credentialScrubber(`smtp://${user}:${encodeURIComponent(spaced)}@mail.example`, {
      user,
      pass: spaced,
    });
    const scrubbed = scrub(`535 5.7.8 Bad creds for ${user}: [${quoted(spaced)}] try again`);
    expect(scrubbed).toMatch(/^535 5\.7\.8 Bad creds for alice: \[\s*\*\*\*\s*\] try again$/);
  });

  it('classifies a refusal by the reply as it came, though the password is taken out of it', () => {
    // A password that is a word of the reply: "rate limit" must still read as throttling.
    const scrub = credentialScrubber('smtp://u:limit@mail.example', { user: 'u', pass: 'limit' });
    const error = scrubError(
      Object.assign(new Error('550 5.7.1 rate limit exceeded'), {
        responseCode: 550,
        response: '550 5.7.1 rate limit exceeded',
      }),
      scrub,
    );
    const failure = classifyFailure(error);
    expect(failure.response).not.toContain('limit');
    expect(failure.kind).toBe('temporary');
    expect(isThrottling(failure)).toBe(true);
    expect(JSON.stringify(error)).not.toContain('limit');
  });

  it('leaves the reply codes of a server alone when the password is only a few characters', () => {
    const scrub = credentialScrubber('smtp://u:5@mail.example', { user: 'u', pass: '5' });
    expect(scrub('550 5.1.1 <ann@example.com>: no such user')).toBe('550 5.1.1 <ann@example.com>: no such user');
    const spaces = credentialScrubber('smtp://u:%20%09%20@mail.example', { user: 'u', pass: ' \t ' });
    expect(spaces('550 5.1.1 <ann@example.com>: no such user')).toBe('550 5.1.1 <ann@example.com>: no such user');
  });
});

describe('an SMTP server that quotes the refused credentials', () => {
  it('gets the send refused (exit 2) with its reply shown without the password', async () => {
    opened.fixture = await sendFixture(3);
    opened.server = await startSmtpServer({ auth: { user, pass }, faults: { refuseLogin: { reply: quoting } } });
    const error = (await sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url({ user, pass })),
    }).catch((e: unknown) => e)) as RolecastError;
    expect(error).toBeInstanceOf(RolecastError);
    expect(error.code).toBe('E_SMTP_AUTH');
    expectNoPassword(`${error.message} ${error.hint} ${error.stack}`);
    expect(error.message).toMatch(/refused the login for alice: .*Bad creds for alice\/\*\*\*/);
    expect(opened.server.counts.data).toBe(0);
  });

  it('gets the connection check (as serve makes at startup) refused without the password', async () => {
    opened.server = await startSmtpServer({ auth: { user, pass }, faults: { refuseLogin: { reply: quoting } } });
    opened.transport = createSmtpTransport({ url: opened.server.url({ user, pass }), concurrency: 1 });
    const error = (await opened.transport.verify().catch((e: unknown) => e)) as RolecastError;
    expect(error.code).toBe('E_SMTP_AUTH');
    expectNoPassword(`${error.message} ${error.stack}`);
    expect(error.message).toContain('Bad creds for alice/***');
  });

  it('refusing a later connection of the pool mid-run, has no password in the report or the ledger', async () => {
    opened.fixture = await sendFixture(12, { concurrency: 3, retries: 0 });
    // The check's login passes; the pool's other connections are refused as they open.
    opened.server = await startSmtpServer({
      auth: { user, pass },
      faults: { refuseLogin: { after: 1, reply: quoting }, dataDelayMs: 20 },
    });
    const report = await sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url({ user, pass })),
    }).catch((e: unknown) => e);
    expect(opened.server.counts.authFailures).toBeGreaterThan(0);
    const shown = report instanceof Error ? `${report.message} ${report.stack}` : formatReport(report as never);
    expectNoPassword(`${shown} ${JSON.stringify(report)}`);
    const db = openStateDb(join(opened.fixture.dir, '.rolecast', 'state.db'));
    const rows = db.prepare('SELECT response FROM deliveries').pluck().all();
    db.close();
    expectNoPassword(JSON.stringify(rows));
    expect(JSON.stringify(rows) + shown).toContain('Bad creds for alice/***');
  });
});

describe('an API token given as both the user name and the password (as Postmark asks)', () => {
  const token = 'a1b2c3d4-0000-4e5f-9a8b-feedfacecafe';

  it('is printed neither by a dry run naming the transport nor by a refused login', async () => {
    opened.fixture = await sendFixture(3);
    opened.server = await startSmtpServer({ auth: { user: 'someone-else', pass: 'not-the-token' } });
    const url = opened.server.url({ user: token, pass: token });
    const streams = captureStreams();
    const dry = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--dry-run'], {
      cwd: opened.fixture.dir,
      env: sendEnv(url),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    expect(dry, streams.err).toBe(0);
    expect(streams.out + streams.err).toMatch(/a real run would send over SMTP to 127\.0\.0\.1:\d+ \(.*, as \*\*\*\)/);
    const refused = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: opened.fixture.dir,
      env: sendEnv(url),
      stdout: refused.stdout,
      stderr: refused.stderr,
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(refused.err).toContain('refused the login for ***');
    expect(streams.out + streams.err + refused.out + refused.err).not.toContain(token);
    expect(redactUrl(url)).toBe(`smtp://***:***@127.0.0.1:${opened.server.port}`);
  });

  it('is not shown when one of its two copies is percent-encoded and the other is not', async () => {
    opened.fixture = await sendFixture(3);
    opened.server = await startSmtpServer({ auth: { user: token, pass: token } });
    const port = opened.server.port;
    const encodedUser = token.replaceAll('-', '%2D');
    const url = `smtp://${encodedUser}:${token}@127.0.0.1:${port}`;
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: opened.fixture.dir,
      env: sendEnv(url),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    expect(code, streams.err).toBe(0);
    expect((await opened.server.messages()).length).toBeGreaterThan(0);
    expect(streams.out + streams.err).not.toContain(encodedUser);
    expect(streams.out + streams.err).not.toContain(token);
    expect(redactUrl(url)).toBe(`smtp://***:***@127.0.0.1:${port}`);
    expect(redactUrl(`smtp://${token}:${encodedUser}@127.0.0.1:${port}`)).toBe(`smtp://***:***@127.0.0.1:${port}`);
  });
});
