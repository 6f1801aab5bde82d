import { afterEach, describe, expect, it } from 'vitest';
import { onceReadersHaveIt } from '../../src/send/first-accepted.js';
import { createSmtpTransport, type MailTransport } from '../../src/send/transport.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * Marking an issue's stories sent starts with the first message the server accepts, while the send
 * goes on. Its promise was awaited only once the run ended: a mark that failed was a rejection no
 * one handled until then, which ends a CLI send half done, and a run that stopped by throwing never
 * waited for it. A failure is now told as it happens, and the send goes on.
 */

let server: TestSmtpServer | undefined;
let transport: MailTransport | undefined;
afterEach(async () => {
  await transport?.close();
  transport = undefined;
  await server?.close();
  server = undefined;
});

const mail = (to: string) => ({ from: 'news@example.test', to, subject: 'Hi', text: 'Hi.' });

async function smtpTransport(): Promise<MailTransport> {
  server = await startSmtpServer();
  transport = createSmtpTransport({ url: server.url(), concurrency: 1 });
  await transport.verify({ keepOpen: true, connections: 1 });
  return transport;
}

describe('what is done once readers have the issue', () => {
  it('tells a failure as it happens, with no unhandled rejection while the send goes on', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const told: string[] = [];
      const readers = onceReadersHaveIt(await smtpTransport(), false, {
        act: async () => {
          throw new Error('EACCES: permission denied');
        },
        failed: (error) => told.push((error as Error).message),
      });
      await readers.transport.send(mail('ana@example.com'));
      // The rest of the send: more messages, each a turn of the event loop.
      for (const to of ['bo@example.com', 'cy@example.com']) await readers.transport.send(mail(to));
      await new Promise((settled) => setImmediate(settled));
      expect(unhandled).toEqual([]);
      expect(told).toEqual(['EACCES: permission denied']);
      await readers.done();
      expect(server?.counts.accepted).toBe(3);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('starts at once when the ledger already records a reader mailed, and done waits for it', async () => {
    let marked = 0;
    const readers = onceReadersHaveIt(await smtpTransport(), true, {
      act: async () => {
        await new Promise((settled) => setImmediate(settled));
        marked++;
      },
      failed: () => {},
    });
    await readers.done();
    expect(marked).toBe(1);
    await readers.transport.send(mail('ana@example.com'));
    await readers.done();
    expect(marked).toBe(1);
  });

  it('passes the transport through as it is: what it is, where it sends, what the server takes', async () => {
    const smtp = await smtpTransport();
    const readers = onceReadersHaveIt(smtp, false, { act: async () => {}, failed: () => {} });
    expect(readers.transport.kind).toBe('smtp');
    expect(readers.transport.destination).toBe(smtp.destination);
    expect(readers.transport.maxMessageSize?.()).toBe(smtp.maxMessageSize?.());
  });
});
