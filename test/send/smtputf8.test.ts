import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openStateDb, readStatus, sendIssue } from '../../src/send/index.js';
import { WIRE } from '../../src/send/message.js';
import { SAME_REFUSAL_LIMIT } from '../../src/send/run.js';
import { createSmtpTransport } from '../../src/send/transport.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type GeneratedSubscriber, type SendFixture, sendEnv, sendFixture } from './_fixture.js';

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

const reader = (email: string): GeneratedSubscriber => ({ email, name: 'Reader', roles: ['CTO'], status: 'active' });

// More non-ASCII local parts in a row than the run's "same refusal" limit: each must stay a
// per-reader failure and never be taken for a refused account that aborts the run.
const UNICODE = Array.from({ length: SAME_REFUSAL_LIMIT + 2 }, (_, i) => `üser${i}@example.com`);
const ASCII = ['ann@example.com', 'bob@bücher.de', 'cy@example.com'];
const LIST = [ASCII[0]!, ...UNICODE, ASCII[1]!, ASCII[2]!];

async function run(smtpUtf8: boolean) {
  opened.fixture = await sendFixture(0, {}, LIST.map(reader));
  opened.server = await startSmtpServer({ smtpUtf8 });
  const report = await sendIssue({
    issueDir: opened.fixture.issueDir,
    subscribersFile: opened.fixture.subscribersFile,
    cwd: opened.fixture.dir,
    env: sendEnv(opened.server.url()),
  });
  const received = (await opened.server.messages()).flatMap((m) => m.envelope.to);
  return { report, received };
}

describe('non-ASCII local parts and SMTPUTF8', () => {
  it('reads whether the server offers SMTPUTF8 from an open connection, opening none only to ask', async () => {
    for (const smtpUtf8 of [true, false]) {
      const server = await startSmtpServer({ smtpUtf8 });
      const transport = createSmtpTransport({ url: server.url(), concurrency: 1 });
      try {
        await transport.verify({ keepOpen: true, connections: 1 });
        const to = 'üser@example.com';
        const mail = {
          envelope: { from: 'news@example.test', to: [to] },
          [WIRE]: { headers: ['From: news@example.test', `To: ${to}`, 'Subject: Hi'], body: [Buffer.from('Hi.\r\n')] },
        };
        const sent = await transport.send(mail as never).then(
          () => 'sent',
          (error: Error) => error.message,
        );
        expect(sent, `SMTPUTF8 ${smtpUtf8 ? 'offered' : 'not offered'}`).toMatch(smtpUtf8 ? /^sent$/ : /SMTPUTF8/);
        expect(server.counts.connections).toBe(1);
      } finally {
        await transport.close();
        await server.close();
      }
    }
  });

  it('a server without SMTPUTF8: those readers fail with the reason, once each; the rest are sent', async () => {
    const { report, received } = await run(false);

    // No raw 8-bit RCPT TO: the server never heard of them.
    expect(received.sort()).toEqual(['ann@example.com', 'bob@bücher.de', 'cy@example.com']);
    expect(opened.server!.counts.rcpt).toBe(ASCII.length);

    expect(report.aborted).toBeUndefined();
    expect(report.stopped).toBeUndefined();
    expect(report.total.sent).toBe(ASCII.length);
    expect(report.total.failed).toBe(UNICODE.length);
    expect(report.total.deferred).toBe(0);
    expect(report.failures.map((f) => f.email).sort()).toEqual([...UNICODE].sort());
    for (const failure of report.failures) {
      expect(failure.status).toBe('failed');
      expect(failure.attempts).toBe(1);
      expect(failure.response).toMatch(/non-ASCII characters before the @ .* does not offer SMTPUTF8/);
    }

    const db = openStateDb(`${opened.fixture!.dir}/.rolecast/state.db`);
    try {
      const [smtp] = readStatus(db, '2026-W48');
      expect(smtp?.failed).toBe(UNICODE.length);
      expect(smtp?.failures.every((f) => /SMTPUTF8/.test(f.response ?? ''))).toBe(true);
    } finally {
      db.close();
    }
  });

  it('a server that offers SMTPUTF8 gets every reader, addressed as written', async () => {
    const { report, received } = await run(true);
    expect(report.total.failed).toBe(0);
    expect(report.total.sent).toBe(LIST.length);
    expect(received.sort()).toEqual([...LIST].sort());
  });

  it('the outbox writes messages for non-ASCII local parts', async () => {
    opened.fixture = await sendFixture(0, {}, ['üser@example.com', 'ann@bücher.de'].map(reader));
    const report = await sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: sendEnv(),
    });
    expect(report.total.sent).toBe(2);
    expect(report.total.failed).toBe(0);
    expect(report.destination).toBeDefined();
    expect((await readdir(report.destination!)).filter((name) => name.endsWith('.eml'))).toHaveLength(2);
  });
});
