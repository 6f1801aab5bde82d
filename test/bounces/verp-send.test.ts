import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseVerpAddress } from '../../src/bounces/index.js';
import { RolecastError } from '../../src/errors.js';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { perTest } from '../helpers/per-test.js';
import { runMain } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

const DOMAIN = 'bounces.rolecast.example';
const ENV = sendEnv();
const SECRET = ENV.ROLECAST_SECRET!;

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

async function withBounceDomain(f: SendFixture, domain: string | undefined = DOMAIN) {
  const file = f.temp.path('rolecast.config.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  config.bounces = { ...(domain ? { domain } : {}), softLimit: 2 };
  await writeFile(file, JSON.stringify(config, null, 2));
}

function send(f: SendFixture, url: string, extra: Partial<Parameters<typeof sendIssue>[0]> = {}) {
  return sendIssue({
    issueDir: f.issueDir,
    subscribersFile: f.subscribersFile,
    cwd: f.dir,
    env: sendEnv(url),
    ...extra,
  });
}

/** A bare DSN as a remote server might write it: no quoted headers, sent to the envelope sender only. */
function bareDsn(to: string, finalRecipient: string, status: string, id: string): string {
  return [
    'From: MAILER-DAEMON@mx.forward.example',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <${id}@mx.forward.example>`,
    'Date: Tue, 01 Dec 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
    '',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.forward.example',
    '',
    `Final-Recipient: rfc822; ${finalRecipient}`,
    'Action: failed',
    `Status: ${status}`,
    `Diagnostic-Code: smtp; 550 ${status} mailbox unavailable`,
    '',
    '--b--',
    '',
  ].join('\r\n');
}

describe('VERP: a per-message bounce address', () => {
  it('sends MAIL FROM bounces+TOKEN@domain over SMTP, and a DSN to it maps back to reader and issue; the next send skips the reader', async () => {
    opened.fixture = await sendFixture(8);
    await withBounceDomain(opened.fixture);
    opened.server = await startSmtpServer();
    const first = await send(opened.fixture, opened.server.url());
    const messages = await opened.server.messages();
    expect(messages.length).toBe(first.total.sent);
    expect(messages.length).toBeGreaterThan(2);
    const senders = new Set<string>();
    for (const m of messages) {
      expect(m.envelope.from).toMatch(/^bounces\+[a-z2-7]{24}@bounces\.rolecast\.example$/);
      expect(parseVerpAddress(m.envelope.from, DOMAIN)).toBeDefined();
      // The From header is unchanged: only the envelope carries the token.
      expect(m.parsed.from?.value[0]?.address).toBe('digest@rolecast.example');
      senders.add(m.envelope.from);
    }
    expect(senders.size).toBe(messages.length);

    // The reader forwards to another mailbox, which no longer exists; the DSN names only that one.
    const target = messages[1]!;
    const reader = target.envelope.to[0]!;
    const dsn = opened.fixture.temp.path('bounces/forwarded.eml');
    await opened.fixture.temp.write(
      'bounces/forwarded.eml',
      bareDsn(target.envelope.from, 'old@forward.example', '5.1.1', 'f1'),
    );
    const imported = await runMain(opened.fixture.dir, ['bounces', 'import', dsn, '--json'], ENV);
    expect(imported.code, imported.all).toBe(0);
    const result = JSON.parse(imported.out) as {
      decisions: { email: string; issueId: string; outcome: string; kind: string }[];
    };
    expect(result.decisions).toEqual([
      expect.objectContaining({ email: reader, issueId: '2026-W48', kind: 'hard', outcome: 'suppressed' }),
    ]);

    const before = messages.length;
    const second = await send(opened.fixture, opened.server.url(), { resend: true });
    const after = await opened.server.messages();
    expect(second.total.skipped.bounced).toBe(1);
    expect(after.length - before).toBe(first.total.sent - 1);
    expect(after.slice(before).some((m) => m.envelope.to.includes(reader))).toBe(false);
  });

  it('a forged token (right shape, one character changed) suppresses nobody, whatever the report names', async () => {
    opened.fixture = await sendFixture(4);
    await withBounceDomain(opened.fixture);
    opened.server = await startSmtpServer();
    await send(opened.fixture, opened.server.url());
    const [message, other] = await opened.server.messages();
    const from = message!.envelope.from;
    const at = from.indexOf('@');
    const forged = `${from.slice(0, at - 1)}${from[at - 1] === 'a' ? 'b' : 'a'}${from.slice(at)}`;
    // Anyone can mail the bounce mailbox: a report to a token that does not verify, naming a reader
    // (or any address), is not believed.
    const victim = other!.envelope.to[0]!;
    await opened.fixture.temp.write('forged.eml', bareDsn(forged, victim, '5.1.1', 'f2'));
    const run = await runMain(opened.fixture.dir, ['bounces', 'import', 'forged.eml', '--json'], ENV);
    expect(run.code, run.all).toBe(0);
    const { decisions } = JSON.parse(run.out) as { decisions: { outcome: string; email?: string }[] };
    expect(decisions).toEqual([expect.objectContaining({ outcome: 'unmatched' })]);
    // Nor is one to the bounce domain's plain address that names a reader and nothing else.
    await opened.fixture.temp.write('plain.eml', bareDsn(`bounces@${DOMAIN}`, victim, '5.1.1', 'f3'));
    const plain = await runMain(opened.fixture.dir, ['bounces', 'import', 'plain.eml', '--json'], ENV);
    expect(plain.code, plain.all).toBe(0);
    expect(JSON.parse(plain.out).decisions).toEqual([expect.objectContaining({ outcome: 'unmatched' })]);
    const db = openStateDb(opened.fixture.temp.path('.rolecast/state.db'));
    try {
      expect(db.prepare('SELECT email FROM suppressions').pluck().all()).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('refuses a real send with bounces.domain but no signing key', async () => {
    opened.fixture = await sendFixture(3);
    await withBounceDomain(opened.fixture);
    opened.server = await startSmtpServer();
    const env = { SMTP_URL: opened.server.url() };
    await expect(
      sendIssue({
        issueDir: opened.fixture.issueDir,
        subscribersFile: opened.fixture.subscribersFile,
        cwd: opened.fixture.dir,
        env,
      }),
    ).rejects.toThrow(RolecastError);
    expect(opened.server.counts.data).toBe(0);
    expect(SECRET.length).toBeGreaterThan(31);
  });
});
