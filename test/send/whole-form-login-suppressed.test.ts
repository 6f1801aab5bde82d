import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMime } from '../../src/send/mime.js';
import { createSmtpTransport, type MailTransport, MESSAGE_WITHDRAWN } from '../../src/send/transport.js';
import { verifyDkim } from '../helpers/dkim-verify.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A send's message written whole (a variant without a wire template) went out through nodemailer's
 * own pool, and the last look at its reader came before the pool opened its connection: a reader
 * who unsubscribed while that connection logged in was still mailed. It now goes over a connection
 * in hand when that look is taken, the list read afresh after the login.
 */

const auth = { user: 'sender', pass: 'secret-password' };
let server: TestSmtpServer | undefined;
let transport: MailTransport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = server = undefined;
});

/** As `buildMailOptions` writes a reader's message: its MIME as bytes, the envelope beside it. */
const wholeMail = (to: string, text = 'Hello') => ({
  envelope: { from: 'bounces@example.test', to: [to] },
  raw: buildMime({
    from: { name: 'News', address: 'news@example.test' },
    to: { address: to },
    subject: 'This week',
    messageId: `<${to}@example.test>`,
    date: new Date('2026-12-05T09:00:00Z'),
    headers: {},
    text,
    html: `<p>${text}</p>`,
  }),
});

/** A server whose logins wait until the test lets them through; `loggingIn` settles as the first begins. */
async function serverHoldingLogin() {
  let letThrough!: () => void;
  const held = new Promise<void>((resolve) => {
    letThrough = resolve;
  });
  let begun!: () => void;
  const loggingIn = new Promise<void>((resolve) => {
    begun = resolve;
  });
  const started = await startSmtpServer({
    auth,
    faults: {
      holdLogin: () => {
        begun();
        return held;
      },
    },
  });
  return { server: started, loggingIn, letThrough };
}

describe('a whole-form message whose reader unsubscribes while its connection logs in', () => {
  it('is not mailed, nothing of it is sent, and the list is read after the login', async () => {
    const held = await serverHoldingLogin();
    server = held.server;
    transport = createSmtpTransport({ url: server.url(auth), concurrency: 1 });
    let unsubscribed = false;
    let readsAfterLogin = 0;
    let loggedIn = false;
    const sending = transport.send(wholeMail('leaver@example.test'), {
      request: (go) => go(true),
      confirm: async () => {
        if (loggedIn) readsAfterLogin++;
      },
      stillWanted: () => !unsubscribed,
    });
    await held.loggingIn;
    // The one-click unsubscribe is committed while the server holds the login.
    unsubscribed = true;
    loggedIn = true;
    held.letThrough();
    await expect(sending).rejects.toMatchObject({ code: MESSAGE_WITHDRAWN });
    expect(readsAfterLogin).toBe(1);
    expect(server.counts.mailFrom).toBe(0);
    expect(await server.messages()).toEqual([]);
  });

  it('goes out whole when its reader is still wanted, a line starting with "." kept, signed with DKIM', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    server = await startSmtpServer({ auth });
    transport = createSmtpTransport({
      url: server.url(auth),
      concurrency: 1,
      dkim: { domainName: 'example.test', keySelector: 'news', privateKey: pem },
    });
    const mail = wholeMail('reader@example.test', 'First line\n.\n..two dots\nlast');
    const { response } = await transport.send(mail, { request: (go) => go(true), stillWanted: () => true });
    expect(response).toMatch(/^250/);
    const [received] = await server.messages();
    expect(received!.envelope).toEqual({ from: 'bounces@example.test', to: ['reader@example.test'] });
    expect(received!.parsed.text).toBe('First line\n.\n..two dots\nlast');
    const publicKey = createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
    expect(verifyDkim(received!.raw, publicKey).ok).toBe(true);
    expect(received!.raw.endsWith(mail.raw.toString())).toBe(true);
  });
});
