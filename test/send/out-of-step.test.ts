import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendIssue } from '../../src/send/index.js';
import { openStateDb } from '../../src/send/store.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A server that breaks SMTP's one-reply-per-command rule must not make rolecast take one
 * message's reply for another's: that would record a refused message as sent, or a taken one as
 * deferred (and send it again).
 */

interface Received {
  to: string[];
  refused: boolean;
}

/** Answers every end of data with its reply and an extra line nobody asked for, in one write. */
async function chattyServer(refuse: (n: number) => boolean): Promise<{ server: Server; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((socket: Socket) => {
    let buffer = '';
    let inData = false;
    let to: string[] = [];
    socket.write('220 chatty.test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line !== '.') continue;
          inData = false;
          const refused = refuse(received.length + 1);
          received.push({ to, refused });
          to = [];
          socket.write(`${refused ? '554 5.7.1 refused' : '250 2.0.0 queued'}\r\n250 2.0.0 extra\r\n`);
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-chatty.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n');
        else if (verb === 'HELO') socket.write('250 chatty.test\r\n');
        else if (verb === 'MAIL') socket.write('250 2.1.0 ok\r\n');
        else if (verb === 'RCPT') {
          to.push(line.replace(/^RCPT TO:<([^>]*)>.*$/i, '$1'));
          socket.write('250 2.1.5 ok\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'RSET') socket.write('250 2.0.0 reset\r\n');
        else if (verb === 'QUIT') socket.end('221 2.0.0 bye\r\n');
        else socket.write('502 5.5.2 what\r\n');
      }
    });
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, received };
}

let fixture: SendFixture | undefined;
let server: Server | undefined;
afterEach(async () => {
  server?.close();
  await fixture?.cleanup();
  fixture = undefined;
  server = undefined;
});

describe('a server whose replies fall out of step with the commands', () => {
  it('records each message by its own reply: refused ones failed, taken ones sent, none twice', async () => {
    fixture = await sendFixture(20, { concurrency: 1, retries: 2 });
    // Every fifth message is refused at its end of data.
    const chatty = await chattyServer((n) => n % 5 === 0);
    server = chatty.server;
    const port = (server.address() as AddressInfo).port;
    const report = await sendIssue({
      issueDir: fixture.issueDir,
      subscribersFile: fixture.subscribersFile,
      cwd: fixture.dir,
      env: sendEnv(`smtp://127.0.0.1:${port}`),
    });
    const taken = chatty.received.filter((r) => !r.refused).flatMap((r) => r.to);
    const refused = chatty.received.filter((r) => r.refused).flatMap((r) => r.to);
    // Nobody got two copies.
    expect(new Set(taken).size).toBe(taken.length);
    const db = openStateDb(`${fixture.dir}/.rolecast/state.db`);
    const rows = db.prepare('SELECT email, status, response FROM deliveries').all() as {
      email: string;
      status: string;
      response: string | null;
    }[];
    db.close();
    const byStatus = (status: string) =>
      rows
        .filter((r) => r.status === status)
        .map((r) => r.email)
        .sort();
    expect(byStatus('sent')).toEqual([...taken].sort());
    expect(byStatus('failed')).toEqual([...refused].sort());
    expect(rows.some((r) => r.response?.includes('extra'))).toBe(false);
    expect(report.total.sent).toBe(taken.length);
  });
});
