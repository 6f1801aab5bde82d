import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpTransport, type MailTransport, MESSAGE_WITHDRAWN } from '../../src/send/transport.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A whole-form message (through nodemailer's own pool) is handed over right after the send read
 * the suppression list afresh: the transport reads it again only when the message waited since
 * (for the probe of the server's SMTPUTF8), so on PostgreSQL no message waits for a second read.
 */

let server: TestSmtpServer | undefined;
let transport: MailTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = server = undefined;
});

const mailTo = (to: string) => ({
  envelope: { from: 'news@example.test', to: [to] },
  from: 'news@example.test',
  to,
  subject: 'This week',
  text: 'Hello',
});

describe('a whole-form message and the suppression list', () => {
  it('goes out without a second read when nothing held it', async () => {
    server = await startSmtpServer();
    transport = createSmtpTransport({ url: server.url(), concurrency: 1 });
    let reads = 0;
    let asked = 0;
    for (const to of ['reader1@example.test', 'reader2@example.test']) {
      const { response } = await transport.send(mailTo(to), {
        request: (go) => go(true),
        confirm: async () => {
          reads++;
        },
        stillWanted: () => {
          asked++;
          return true;
        },
      });
      expect(response).toMatch(/^250/);
    }
    expect(reads).toBe(0);
    expect(asked).toBe(2);
  });

  it('reads the list again after waiting for the probe of SMTPUTF8, and then only', async () => {
    server = await startSmtpServer();
    transport = createSmtpTransport({ url: server.url(), concurrency: 1 });
    let suppressed = false;
    let reads = 0;
    const gate = {
      request: (go: (granted: boolean) => void) => go(true),
      confirm: async () => {
        reads++;
        // An unsubscribe committed while the probe connection opened.
        suppressed = true;
      },
      stillWanted: () => !suppressed,
    };
    await expect(transport.send(mailTo('jürgen@example.test'), gate)).rejects.toMatchObject({
      code: MESSAGE_WITHDRAWN,
    });
    expect(reads).toBe(1);
    suppressed = false;
    const { response } = await transport.send(mailTo('zoë@example.test'), gate);
    expect(response).toMatch(/^250/);
    expect(reads).toBe(1);
    expect((await server.messages()).flatMap((m) => m.envelope.to)).toEqual(['zoë@example.test']);
  });
});
