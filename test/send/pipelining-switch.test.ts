import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { afterEach, describe, expect, it } from 'vitest';
import { wireSupported } from '../../src/send/wire/pool.js';
import { canStopPipelining, stopPipelining } from '../../src/send/wire/session-steps.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * The one-command-at-a-time fallback turns PIPELINING off in nodemailer's own list of the server's
 * extensions, for want of an option. This pins it against the installed nodemailer: a version that
 * keeps the list elsewhere fails here, instead of silently sending pipelined commands to a server
 * that drops them.
 */

let server: RawServer | undefined;
let connection: SMTPConnection | undefined;
afterEach(async () => {
  connection?.close();
  connection = undefined;
  await server?.close();
  server = undefined;
});

function connected(port: number): Promise<SMTPConnection> {
  const made = new SMTPConnection({ host: '127.0.0.1', port, secure: false, socketTimeout: 2_000 });
  return new Promise((resolve, reject) => {
    made.once('error', reject);
    made.connect((error) => (error ? reject(error) : resolve(made)));
  });
}

describe('turning PIPELINING off on a connection', () => {
  it('is possible with the installed nodemailer, so the wire path is used', () => {
    expect(canStopPipelining()).toBe(true);
    expect(wireSupported()).toBe(true);
  });

  it('makes the next envelope go one command at a time to a server that offers PIPELINING', async () => {
    // Reads only the first command of each packet: a pipelined envelope would go unanswered.
    server = await startRawServer({ firstCommandOfPacket: true });
    connection = await connected(server.port);
    stopPipelining(connection);
    const open = connection;
    const info = await new Promise<{ response?: string }>((resolve, reject) =>
      open.send(
        { from: 'list@example.test', to: ['reader@example.test'] },
        'Subject: hi\r\n\r\nhello\r\n',
        (error, sent) => (error ? reject(error) : resolve(sent as { response?: string })),
      ),
    );
    expect(info.response).toMatch(/^250/);
    expect(server.commands.filter((line) => /^(MAIL|RCPT|DATA)/i.test(line))).toEqual([
      'MAIL FROM:<list@example.test>',
      'RCPT TO:<reader@example.test>',
      'DATA',
    ]);
    expect(server.messages.map((m) => m.to)).toEqual([['reader@example.test']]);
  });
});
