import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { planAudience } from '../../src/group/index.js';
import { openStateDb, readStatus, sendIssue } from '../../src/send/index.js';
import { formatReport } from '../../src/send/report.js';
import { addSuppression } from '../../src/send/store.js';
import { createOutboxTransport, createSmtpTransport } from '../../src/send/transport.js';
import { verifyDkim } from '../helpers/dkim-verify.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

function send(f: SendFixture, url: string | undefined, extra: Partial<Parameters<typeof sendIssue>[0]> = {}) {
  return sendIssue({
    issueDir: f.issueDir,
    subscribersFile: f.subscribersFile,
    cwd: f.dir,
    env: sendEnv(url),
    ...extra,
  });
}

describe('sending over SMTP', () => {
  it('sends each active subscriber exactly their summaries, once, to them alone', async () => {
    opened.fixture = await sendFixture(30);
    opened.server = await startSmtpServer();
    const report = await send(opened.fixture, opened.server.url());
    const project = await opened.fixture.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const variants = new Map(plan.variants.map((v) => [v.id, v]));
    const messages = await opened.server.messages();

    expect(report.total.sent).toBe(plan.recipients.length);
    expect(report.total.failed).toBe(0);
    expect(report.total.skipped.unsubscribed).toBe(plan.skipped.filter((s) => s.reason === 'unsubscribed').length);
    expect(report.total.skipped.noContent).toBeGreaterThan(0);
    expect(messages).toHaveLength(plan.recipients.length);

    const allTitles = project.issue.summaries.map((s) => ({ id: s.id, title: s.title }));
    const others = project.subscribers!.map((s) => s.email);
    for (const { subscriber, variantId } of plan.recipients) {
      const received = messages.filter((m) => m.envelope.to.includes(subscriber.email));
      expect(received, subscriber.email).toHaveLength(1);
      const message = received[0]!;
      expect(message.envelope.to).toEqual([subscriber.email]);
      const expected = new Set(variants.get(variantId)!.summaryIds);
      for (const { id, title } of allTitles) {
        expect(message.parsed.text?.includes(title), `${subscriber.email}: ${id}`).toBe(expected.has(id));
      }
      // No other subscriber's address anywhere in the raw message.
      for (const other of others) if (other !== subscriber.email) expect(message.raw).not.toContain(other);
    }
  });

  it('does not mail a reader suppressed while the send runs, and counts them as suppressed', async () => {
    // 30 messages at 20 a second: the last readers are reached well after the suppression below.
    opened.fixture = await sendFixture(36, { concurrency: 1, ratePerSecond: 20 });
    opened.server = await startSmtpServer();
    const project = await opened.fixture.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const last = plan.recipients.at(-1)!.subscriber.email;
    const running = send(opened.fixture, opened.server.url(), { lateSuppressionCheckMs: 20 });
    // As `rolecast suppress add`, a bounce import or `serve` would: another connection to the state file.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    addSuppression(db, last, { reason: 'unsubscribe' });
    db.close();
    const report = await running;
    const messages = await opened.server.messages();
    expect(messages.flatMap((m) => m.envelope.to)).not.toContain(last);
    expect(report.total.sent).toBe(plan.recipients.length - 1);
    expect(report.total.skipped.suppressed).toBe(1);
    expect(report.total.planned).toBe(plan.recipients.length - 1);
    expect(report.total.pending).toBe(0);
  });

  it('sets the list headers, a unique Message-ID and multipart/alternative', async () => {
    opened.fixture = await sendFixture(12);
    opened.server = await startSmtpServer();
    await send(opened.fixture, opened.server.url());
    const messages = await opened.server.messages();
    expect(messages.length).toBeGreaterThan(5);
    const ids = new Set<string>();
    for (const { parsed, raw, envelope } of messages) {
      expect(parsed.from?.value).toEqual([{ name: 'Rolecast Weekly', address: 'digest@rolecast.example' }]);
      expect(parsed.replyTo?.value[0]?.address).toBe('editors@rolecast.example');
      expect(raw).toMatch(/^List-Id: Rolecast Weekly <weekly\.rolecast\.example>\r?$/im);
      const unsubscribe = String(raw.match(/^List-Unsubscribe:((?:.*\r?\n[ \t].*)*.*)$/m)?.[1]).replace(/\s+/g, '');
      expect(unsubscribe).toMatch(
        /^<https:\/\/rolecast\.example\/unsubscribe\?token=[\w.-]+>,<mailto:unsubscribe@rolecast\.example\?subject=/,
      );
      expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
      expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
      expect(parsed.text).toBeTruthy();
      expect(parsed.html).toBeTruthy();
      expect(parsed.date).toBeInstanceOf(Date);
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : []).toEqual(envelope.to);
      expect(parsed.cc).toBeUndefined();
      expect(parsed.bcc).toBeUndefined();
      // The personal unsubscribe link is in the body.
      expect(parsed.html).toContain('https://rolecast.example/unsubscribe?token=');
      expect(parsed.messageId).toMatch(/^<2026-W48\.[\w-]+@rolecast\.example>$/);
      ids.add(parsed.messageId!);
    }
    expect(ids.size).toBe(messages.length);
  });

  it('retries a 4xx reply and then succeeds', async () => {
    opened.fixture = await sendFixture(8, { concurrency: 1 });
    opened.server = await startSmtpServer({ faults: { tempFailRcpt: [2], tempFailData: [4] } });
    const report = await send(opened.fixture, opened.server.url());
    expect(report.total.failed + report.total.deferred).toBe(0);
    const messages = await opened.server.messages();
    expect(messages).toHaveLength(report.total.sent);
    expect(new Set(messages.map((m) => m.envelope.to[0])).size).toBe(messages.length);
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    const attempts = db.prepare('SELECT SUM(attempts) FROM deliveries').pluck().get();
    db.close();
    // Two faults, two extra attempts.
    expect(attempts).toBe(report.total.sent + 2);
  });

  it('a session refused at MAIL FROM with a 4xx (a per-session cap) is left for a new connection', async () => {
    opened.fixture = await sendFixture(8, { concurrency: 1, retries: 3, retryBaseMs: 5 });
    opened.server = await startSmtpServer({ faults: { messagesPerSession: 2 } });
    const report = await send(opened.fixture, opened.server.url(), { ratePerSecond: 0 });
    expect(report.total.failed + report.total.deferred).toBe(0);
    const messages = await opened.server.messages();
    expect(messages).toHaveLength(report.total.sent);
    expect(new Set(messages.map((m) => m.envelope.to[0])).size).toBe(messages.length);
    // Two messages a session: a new connection after every second one, not retries on a spent one.
    expect(opened.server.counts.connections).toBeGreaterThanOrEqual(Math.ceil(report.total.sent / 2));
  }, 60_000);

  it('records a 5xx as permanent, and does not retry it on resume unless asked', async () => {
    opened.fixture = await sendFixture(10);
    const refused = opened.fixture.subscribers[0]!.email;
    opened.server = await startSmtpServer({ faults: { rejectAddresses: [refused] } });
    const first = await send(opened.fixture, opened.server.url());
    expect(first.total.failed).toBe(1);
    expect(first.failures).toEqual([
      expect.objectContaining({ email: refused, status: 'failed', responseCode: 550, attempts: 1 }),
    ]);
    expect(first.failures[0]!.response).toContain('No such user here');
    const rcptAfterFirst = opened.server.counts.rcpt;

    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    const [status] = readStatus(db, '2026-W48');
    db.close();
    expect(status).toMatchObject({ channel: 'smtp', failed: 1, sent: first.total.sent, pending: 0 });
    expect(status!.failures[0]).toMatchObject({ email: refused, responseCode: 550 });

    const second = await send(opened.fixture, opened.server.url());
    expect(second.total.planned).toBe(0);
    expect(second.total.skipped.previouslyFailed).toBe(1);
    expect(second.total.skipped.alreadySent).toBe(first.total.sent);
    expect(opened.server.counts.rcpt).toBe(rcptAfterFirst);
    // The table tells the two apart: a refused reader was not sent the issue.
    const total = formatReport(second)
      .split('\n')
      .find((line) => line.startsWith('total'))!;
    expect(total.trim().split(/ +/).slice(-2)).toEqual([String(first.total.sent), '1']);

    const third = await send(opened.fixture, opened.server.url(), { retryFailed: true });
    expect(third.total.planned).toBe(1);
    expect(third.total.failed).toBe(1);
  });

  it('survives a connection dropped mid-DATA: the message is deferred for the next run, nothing lost or doubled', async () => {
    opened.fixture = await sendFixture(20, { concurrency: 2 });
    opened.server = await startSmtpServer({ faults: { dropOnData: [3, 9] } });
    const report = await send(opened.fixture, opened.server.url());
    // The whole message went out in one write before the drop: the server may have read it all.
    expect(report.total).toMatchObject({ failed: 0, deferred: 2 });
    expect(opened.server.counts.data).toBe(opened.server.counts.accepted + 2);
    const project = await opened.fixture.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const again = await send(opened.fixture, opened.server.url());
    expect(again.total).toMatchObject({ failed: 0, deferred: 0 });
    const got = (await opened.server.messages()).map((m) => m.envelope.to[0]);
    expect(got.sort()).toEqual(plan.recipients.map((r) => r.subscriber.email).sort());
  });

  it('aborts before sending anything when the login is refused, without printing the password', async () => {
    opened.fixture = await sendFixture(5);
    opened.server = await startSmtpServer({ auth: { user: 'mailer', pass: 'right-secret' } });
    const password = 'wrong-pa55word';
    const error = await send(opened.fixture, opened.server.url({ user: 'mailer', pass: password })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RolecastError);
    expect((error as RolecastError).code).toBe('E_SMTP_AUTH');
    expect((error as RolecastError).exitCode).toBe(2);
    expect((error as RolecastError).message).toContain(`127.0.0.1:${opened.server.port}`);
    expect(JSON.stringify(error) + String((error as Error).message) + (error as RolecastError).hint).not.toContain(
      password,
    );
    expect(opened.server.counts.data).toBe(0);
    expect(opened.server.counts.authFailures).toBeGreaterThan(0);

    const ok = await send(opened.fixture, opened.server.url({ user: 'mailer', pass: 'right-secret' }));
    expect(ok.total.sent).toBeGreaterThan(0);
    expect(ok.destination).not.toContain('right-secret');
  });

  it('warns once, not failing, when the server offers no login and the credentials in SMTP_URL go unused', async () => {
    opened.fixture = await sendFixture(12, { concurrency: 3 });
    opened.server = await startSmtpServer();
    const lines: string[] = [];
    const url = opened.server.url({ user: 'mailer', pass: 'unused-secret' });
    const report = await send(opened.fixture, url, { log: (line) => lines.push(line) });
    expect(report.total.sent).toBeGreaterThan(3);
    expect(report.total.failed).toBe(0);
    const warnings = lines.filter((line) => /offers no login/.test(line));
    expect(warnings).toEqual([
      `warning: the SMTP server 127.0.0.1:${opened.server.port} offers no login (AUTH), so the user name and password in SMTP_URL were not used`,
    ]);

    // The connection check alone (serve's, at startup) says it too; without credentials, nothing is said.
    for (const [checked, expected] of [
      [url, 1],
      [opened.server.url(), 0],
    ] as const) {
      const said: string[] = [];
      const transport = createSmtpTransport({ url: checked, concurrency: 1, log: (line) => said.push(line) });
      await transport.verify();
      await transport.close();
      expect(
        said.filter((line) => /offers no login/.test(line)),
        checked,
      ).toHaveLength(expected);
    }
  });

  it('aborts with E_SMTP_CONNECT when nothing listens', async () => {
    opened.fixture = await sendFixture(3);
    opened.server = await startSmtpServer();
    const port = opened.server.port;
    await opened.server.close();
    opened.server = undefined;
    const error = await send(opened.fixture, `smtp://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect((error as RolecastError).code).toBe('E_SMTP_CONNECT');
  });

  it('refuses a second send of the same issue while one is running', async () => {
    opened.fixture = await sendFixture(6);
    // The server holds every DATA reply until the second run has been refused, so the first run is
    // mid-send for as long as the test needs, however slow the machine.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    opened.server = await startSmtpServer({ faults: { holdData: held } });
    const first = send(opened.fixture, opened.server.url());
    // Once a recipient reached the server, the first run holds the lock and is mid-send.
    while (opened.server.counts.rcpt === 0) await new Promise((r) => setTimeout(r, 10));
    const second = await send(opened.fixture, opened.server.url()).catch((e: unknown) => e);
    release();
    expect((second as RolecastError).code).toBe('E_LOCKED');
    const report = await first;
    expect(opened.server.counts.accepted).toBe(report.total.sent);
    // Released at the end: the next run goes ahead (with nothing left to send).
    const third = await send(opened.fixture, opened.server.url());
    expect(third.total.planned).toBe(0);
  });

  it('skips suppressed addresses and counts them', async () => {
    opened.fixture = await sendFixture(5);
    const { addSuppression } = await import('../../src/send/index.js');
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    addSuppression(db, opened.fixture.subscribers[0]!.email.toUpperCase(), { reason: 'bounce', source: 'test' });
    db.close();
    opened.server = await startSmtpServer();
    const report = await send(opened.fixture, opened.server.url());
    // Suppressed for a bounce: counted in its own column.
    expect(report.total.skipped.bounced).toBe(1);
    expect(report.total.skipped.suppressed).toBe(0);
    const got = (await opened.server.messages()).map((m) => m.envelope.to[0]);
    expect(got).not.toContain(opened.fixture.subscribers[0]!.email);
  });

  it('sends only the chosen segments', async () => {
    opened.fixture = await sendFixture(20);
    opened.server = await startSmtpServer();
    const report = await send(opened.fixture, opened.server.url(), { segments: ['chief technology officer'] });
    const expected = opened.fixture.subscribers.filter((s) => s.status === 'active' && s.roles.includes('CTO'));
    expect(report.total.sent).toBe(expected.length);
    expect(report.segments.map((s) => s.segment)).toEqual(['CTO']);
    const got = (await opened.server.messages()).map((m) => m.envelope.to[0]).sort();
    expect(got).toEqual(expected.map((s) => s.email).sort());
  });

  it('sends only the given addresses, whatever their case, and counts no one else', async () => {
    opened.fixture = await sendFixture(20);
    opened.server = await startSmtpServer();
    const chosen = [opened.fixture.subscribers[0]!, opened.fixture.subscribers[3]!, opened.fixture.subscribers[6]!];
    // reader 6 is unsubscribed: restricting to an address never overrides that.
    const report = await send(opened.fixture, opened.server.url(), {
      onlyEmails: new Set([...chosen.map((s) => s.email.toUpperCase()), 'stranger@example.test']),
    });
    expect(report.total).toMatchObject({ planned: 2, sent: 2 });
    expect(report.total.skipped).toMatchObject({ unsubscribed: 1, noContent: 0 });
    const got = (await opened.server.messages()).map((m) => m.envelope.to[0]).sort();
    expect(got).toEqual([chosen[0]!.email, chosen[1]!.email]);
  });

  it('sends a test message to another address, as a subscriber would get it, without recording it', async () => {
    opened.fixture = await sendFixture(5);
    opened.server = await startSmtpServer();
    const as = opened.fixture.subscribers[0]!;
    const report = await send(opened.fixture, opened.server.url(), {
      test: { to: 'editor@example.org', as: as.email },
    });
    expect(report.total.sent).toBe(1);
    const [message] = await opened.server.messages();
    expect(message!.envelope.to).toEqual(['editor@example.org']);
    expect(message!.raw).not.toContain(as.email);
    // Greeted by first name, as the subscriber would be; the footer names the address it went to.
    expect(message!.parsed.text).toContain(`Hi ${as.name.split(' ')[0]},`);
    expect(message!.parsed.text).toContain('This email was sent to editor@example.org');
    expect(existsSync(`${opened.fixture.dir}/.rolecast/state.db`)).toBe(false);
  });

  it('stops before sending anything when a subscriber entry is invalid, listing every bad entry', async () => {
    const subscribers = [
      { email: 'good@example.com', roles: ['CTO'] },
      { email: 'not-an-address', roles: ['CTO'] },
      { email: 'also@example.com', roles: ['CTO'], status: 'maybe' },
    ];
    opened.fixture = await sendFixture(0, {}, subscribers as never);
    opened.server = await startSmtpServer();
    const error = (await send(opened.fixture, opened.server.url()).catch((e: unknown) => e)) as RolecastError;
    expect(error.code).toBe('E_INVALID');
    const fields = error.problems.filter((p) => p.severity === 'error').map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining([expect.stringContaining('[1]'), expect.stringContaining('[2]')]));
    // The first connection opens while the list loads (connectEarly) and may be up before the list
    // is refused: it carries no mail.
    expect(opened.server.counts.mailFrom).toBe(0);
    expect(opened.server.counts.accepted).toBe(0);
  });

  it('signs with DKIM when a key file is named in the environment', async () => {
    opened.fixture = await sendFixture(3);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const keyFile = await writeDkimKey(opened.fixture, privateKey, 'pkcs1');
    opened.server = await startSmtpServer();
    await sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: dkimEnv(opened.server.url(), keyFile),
    });
    const messages = await opened.server.messages();
    expect(messages.length).toBeGreaterThan(0);
    for (const { raw } of messages)
      expect(raw).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=rolecast\.example;/m);
    expect(messages[0]!.raw).toMatch(/h=[^;]*List-Unsubscribe-Post/i);
    // Signed alike whichever way a message goes: spliced over SMTP, written by nodemailer to the
    // outbox, or sent by nodemailer over SMTP (a message not in wire form). Each verifies, and
    // each has its once-only fields oversigned, so a Subject added above its own breaks it.
    const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const dkim = {
      domainName: 'rolecast.example',
      keySelector: 'rc1',
      privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    };
    const folder = opened.fixture.temp.path('signed-outbox');
    const outbox = createOutboxTransport(folder, { dkim });
    await outbox.verify();
    await outbox.send({
      from: 'Digest <digest@rolecast.example>',
      to: 'ana@example.com',
      subject: 'Wöche 48',
      text: 'Hallo\n',
      html: '<p>Hallo</p>',
    });
    await outbox.close();
    const written = await readFile(join(folder, 'ana@example.com.eml'));
    const smtp = createSmtpTransport({ url: opened.server.url(), concurrency: 1, dkim });
    await smtp.send({ from: 'digest@rolecast.example', to: 'bo@example.com', subject: 'Plain', text: 'x  \n\n' });
    await smtp.close();
    const plain = (await opened.server.messages()).find((m) => m.envelope.to.includes('bo@example.com'))!;
    for (const raw of [messages[0]!.raw, written, plain.raw]) {
      const result = verifyDkim(raw, publicKey);
      expect(result.reason).toBe('pass');
      expect(result.signed.filter((name) => name === 'subject')).toHaveLength(2);
      const replayed = raw.toString().replace(/\r\nSubject: /, '\r\nSubject: Urgent\r\nSubject: ');
      expect(verifyDkim(replayed, publicKey).ok).toBe(false);
    }
  });

  it('refuses a DKIM key that cannot sign before connecting, and records no reader as failed', async () => {
    opened.fixture = await sendFixture(3);
    const { privateKey } = generateKeyPairSync('ed25519');
    const keyFile = await writeDkimKey(opened.fixture, privateKey, 'pkcs8');
    opened.server = await startSmtpServer();
    const env = dkimEnv(opened.server.url(), keyFile);
    const run = () =>
      sendIssue({
        issueDir: opened.fixture!.issueDir,
        subscribersFile: opened.fixture!.subscribersFile,
        cwd: opened.fixture!.dir,
        env,
      });
    const error = (await run().catch((e: unknown) => e)) as RolecastError;
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toMatch(/DKIM key .* cannot sign/);
    expect(opened.server.counts.connections).toBe(0);
    await opened.fixture.temp.write('dkim.pem', 'not a key at all');
    expect(((await run().catch((e: unknown) => e)) as RolecastError).code).toBe('E_USAGE');
    const stateFile = join(opened.fixture.dir, '.rolecast', 'state.db');
    if (existsSync(stateFile)) {
      const db = openStateDb(stateFile);
      expect(db.prepare('SELECT count(*) FROM deliveries').pluck().get()).toBe(0);
      db.close();
    }
  });

  it('refuses an EC DKIM key, whose ECDSA signatures would be labelled rsa-sha256, before connecting', async () => {
    opened.fixture = await sendFixture(3);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = await writeDkimKey(opened.fixture, privateKey, 'pkcs8');
    opened.server = await startSmtpServer();
    const error = (await sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: dkimEnv(opened.server.url(), keyFile),
    }).catch((e: unknown) => e)) as RolecastError;
    expect(error).toBeInstanceOf(RolecastError);
    expect(error.code).toBe('E_USAGE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(keyFile);
    expect(error.message).toMatch(/RSA key is needed/);
    expect(opened.server.counts.connections).toBe(0);
    expect(await opened.server.messages()).toHaveLength(0);
  });

  it('refuses DKIM variables set only in part, naming the one missing, before connecting', async () => {
    opened.fixture = await sendFixture(3);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const keyFile = await writeDkimKey(opened.fixture, privateKey, 'pkcs1');
    opened.server = await startSmtpServer();
    const env = dkimEnv(opened.server.url(), keyFile, ['ROLECAST_DKIM_SELECTOR']);
    const error = (await send(opened.fixture, undefined, { env }).catch((e: unknown) => e)) as RolecastError;
    expect(error).toBeInstanceOf(RolecastError);
    expect(error.code).toBe('E_USAGE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/ROLECAST_DKIM_SELECTOR is not set/);
    expect(error.message).not.toMatch(/KEY_FILE|DKIM_DOMAIN/);
    expect(opened.server.counts.connections).toBe(0);
    expect(await opened.server.messages()).toHaveLength(0);
  });

  /** A --resend stopped once it has reached four readers. */
  async function interruptedResend(everyone: number) {
    const controller = new AbortController();
    const resending = send(opened.fixture!, opened.server!.url(), { resend: true, signal: controller.signal });
    while (opened.server!.counts.accepted < everyone + 4) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    return resending;
  }

  it('resumes an interrupted --resend: a second --resend skips the readers the first one reached', async () => {
    opened.fixture = await sendFixture(24, { concurrency: 1 });
    opened.server = await startSmtpServer({ faults: { dataDelayMs: 15 } });
    const first = await send(opened.fixture, opened.server.url());
    const everyone = first.total.sent;
    expect(everyone).toBeGreaterThan(10);

    const cut = await interruptedResend(everyone);
    expect(cut.interrupted).toBe(true);
    const reachedByCut = cut.total.sent;

    const resumed = await send(opened.fixture, opened.server.url(), { resend: true });
    expect(resumed.interrupted).toBe(false);
    expect(resumed.total.skipped.alreadySent).toBe(reachedByCut);
    expect(resumed.total.sent).toBe(everyone - reachedByCut);
    // Each reader has the original and exactly one resent copy, under another Message-ID.
    const messages = await opened.server.messages();
    const perReader = new Map<string, string[]>();
    for (const m of messages)
      perReader.set(m.envelope.to[0]!, [...(perReader.get(m.envelope.to[0]!) ?? []), m.parsed.messageId!]);
    expect(perReader.size).toBe(everyone);
    for (const ids of perReader.values()) expect(new Set(ids).size).toBe(2);

    // Once that resend is complete, --resend starts a new one.
    const again = await send(opened.fixture, opened.server.url(), { resend: true });
    expect(again.total.sent).toBe(everyone);
  });

  it('resumes a --resend whole when the first send was stamped by a clock running a day fast', async () => {
    opened.fixture = await sendFixture(24, { concurrency: 1 });
    opened.server = await startSmtpServer({ faults: { dataDelayMs: 15 } });
    const fast = () => new Date(Date.now() + 86_400_000);
    const everyone = (await send(opened.fixture, opened.server.url(), { now: fast })).total.sent;
    const cut = await interruptedResend(everyone);
    expect(cut.interrupted).toBe(true);
    const resumed = await send(opened.fixture, opened.server.url(), { resend: true });
    // The first send's rows, dated after the resend began, do not count as reached by it.
    expect(resumed.total.skipped.alreadySent).toBe(cut.total.sent);
    expect(resumed.total.sent).toBe(everyone - cut.total.sent);
    const perReader = new Map<string, number>();
    for (const m of await opened.server.messages())
      perReader.set(m.envelope.to[0]!, (perReader.get(m.envelope.to[0]!) ?? 0) + 1);
    expect([...perReader.values()].every((n) => n === 2)).toBe(true);
  });
});

/** A DKIM key of the given kind, written into the fixture's folder; its file name. */
function writeDkimKey(fixture: SendFixture, privateKey: KeyObject, type: 'pkcs1' | 'pkcs8'): Promise<string> {
  return fixture.temp.write('dkim.pem', privateKey.export({ type, format: 'pem' }).toString());
}

/** The send environment with DKIM signing by `keyFile`; `without` leaves those variables out. */
function dkimEnv(url: string, keyFile: string, without: readonly string[] = []): NodeJS.ProcessEnv {
  const dkim: Record<string, string> = {
    ROLECAST_DKIM_KEY_FILE: keyFile,
    ROLECAST_DKIM_DOMAIN: 'rolecast.example',
    ROLECAST_DKIM_SELECTOR: 'rc1',
  };
  for (const name of without) delete dkim[name];
  return { ...sendEnv(url), ...dkim };
}
