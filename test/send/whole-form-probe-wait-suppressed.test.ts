import { afterEach, describe, expect, it } from 'vitest';
import { buildMime } from '../../src/send/mime.js';
import { createSmtpTransport, type MailTransport, MESSAGE_WITHDRAWN } from '../../src/send/transport.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A reader with a non-ASCII local part waits, before their message goes, for the check of whether
 * the server takes such addresses (SMTPUTF8) on a connection of its own. When another message opened
 * and freed the pool's connection meanwhile, the reader's message took that connection at once: the
 * list was not read again after the wait, so a reader who unsubscribed during it was still mailed.
 */

let server: TestSmtpServer | undefined;
let transport: MailTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = server = undefined;
});

const wholeMail = (to: string) => ({
  envelope: { from: 'bounces@example.test', to: [to] },
  raw: buildMime({
    from: { name: 'News', address: 'news@example.test' },
    to: { address: to },
    subject: 'This week',
    messageId: `<${encodeURIComponent(to)}@example.test>`,
    date: new Date('2026-12-05T09:00:00Z'),
    headers: {},
    text: 'Hello',
    html: '<p>Hello</p>',
  }),
});

describe('a whole-form message that waited for the SMTPUTF8 check', () => {
  it('reads the list again before it goes, even on a connection another message freed meanwhile', async () => {
    let releaseProbe!: () => void;
    const probeHeld = new Promise<void>((resolve) => {
      releaseProbe = resolve;
    });
    // The first connection is the check's own (it is opened first): greeted only once let through.
    server = await startSmtpServer({ faults: { holdGreeting: (n) => (n === 1 ? probeHeld : undefined) } });
    transport = createSmtpTransport({ url: server.url(), concurrency: 1 });
    let suppressed = false;
    let reads = 0;
    const waiting = transport.send(wholeMail('jürgen@example.test'), {
      request: (go) => go(true),
      // Read afresh, the list has the unsubscribe committed while the check's connection opened.
      confirm: async () => {
        reads++;
        suppressed = true;
      },
      stillWanted: () => !suppressed,
    });
    const settled = waiting.then(
      () => 'sent',
      (error: { code?: string }) => error.code,
    );
    const other = await transport.send(wholeMail('reader@example.test'), {
      request: (go) => go(true),
      stillWanted: () => true,
    });
    expect(other.response).toMatch(/^250/);
    releaseProbe();
    expect(await settled).toBe(MESSAGE_WITHDRAWN);
    expect(reads).toBe(1);
    expect((await server.messages()).flatMap((m) => m.envelope.to)).toEqual(['reader@example.test']);
  });
});
