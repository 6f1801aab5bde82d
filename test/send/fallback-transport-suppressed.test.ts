import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpTransport, type MailTransport, MESSAGE_WITHDRAWN } from '../../src/send/transport.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A message in whole form (a variant without a wire template) goes out through nodemailer's own
 * pool: it asks the last-moment suppression check as the wire path does, the list read afresh
 * first, so a reader suppressed meanwhile is not mailed and nothing of the message is sent.
 */

let server: TestSmtpServer | undefined;
let transport: MailTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = server = undefined;
});

const mail = {
  envelope: { from: 'news@example.test', to: ['reader1@example.test'] },
  from: 'news@example.test',
  to: 'reader1@example.test',
  subject: 'This week',
  text: 'Hello',
};

describe('a whole-form message through the nodemailer pool', () => {
  it('is withdrawn, with nothing sent, when its reader was suppressed by the fresh read', async () => {
    server = await startSmtpServer();
    transport = createSmtpTransport({ url: server.url(), concurrency: 1 });
    // The sender read the list afresh right before handing it over: that read found the reader gone.
    const sending = transport.send(mail, {
      request: (go) => go(true),
      confirm: async () => {},
      stillWanted: () => false,
    });
    await expect(sending).rejects.toMatchObject({ code: MESSAGE_WITHDRAWN });
    expect(server.counts.mailFrom).toBe(0);
    expect(await server.messages()).toEqual([]);
  });

  it('goes out when its reader is still wanted', async () => {
    server = await startSmtpServer();
    transport = createSmtpTransport({ url: server.url(), concurrency: 1 });
    const { response } = await transport.send(mail, { request: (go) => go(true), stillWanted: () => true });
    expect(response).toMatch(/^250/);
    expect((await server.messages()).flatMap((m) => m.envelope.to)).toEqual(['reader1@example.test']);
  });
});
