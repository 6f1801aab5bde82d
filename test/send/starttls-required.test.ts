import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { RolecastError } from '../../src/errors.js';
import { parseSmtpUrl, smtpPoolOptions } from '../../src/send/transport.js';
import { verifyError } from '../../src/send/verify-error.js';
import { createWirePool, type WirePool } from '../../src/send/wire/pool.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A password for a server elsewhere never crosses the network unencrypted: the connection stops
 * before AUTH when TLS cannot be had, and says why. The pool gets the options a real send to
 * mail.example would use, pointed at a server on 127.0.0.1 (its certificate named mail.example).
 */

let raw: RawServer | undefined;
let server: SMTPServer | undefined;
let pool: WirePool | undefined;
afterEach(async () => {
  pool?.close();
  pool = undefined;
  await raw?.close();
  raw = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const EHLO = '250-raw.test\r\n250-PIPELINING\r\n250 AUTH PLAIN LOGIN\r\n';

function remoteOptions(url: string, port: number) {
  const options = smtpPoolOptions(parseSmtpUrl(url), { concurrency: 1, timeouts: { socketMs: 2_000 } });
  return { ...options, host: '127.0.0.1', port, tls: { servername: 'mail.example' } };
}

async function open(url: string, port: number): Promise<RolecastError> {
  pool = createWirePool(remoteOptions(url, port), 1);
  const error = await pool.open().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return verifyError(error, 'mail.example:587', 'user', url.startsWith('smtps:'));
}

describe('smtp:// with a password to a server elsewhere', () => {
  it('stops before AUTH when the server does not offer STARTTLS (or something removed it), and says so', async () => {
    raw = await startRawServer({ ehlo: () => EHLO });
    const error = await open('smtp://user:secret@mail.example:587', raw.port);
    expect(raw.commands.some((c) => /^AUTH/i.test(c))).toBe(false);
    expect(raw.commands.some((c) => /^MAIL/i.test(c))).toBe(false);
    expect(error.message).toContain('does not offer STARTTLS');
    expect(error.message).not.toContain('offers STARTTLS but');
    expect(error.hint).toContain('smtps://');
    expect(error.hint).toContain('nothing was sent');
    expect(`${error.message} ${error.hint}`).not.toContain('secret');
  });

  it('stops before AUTH when the server offers STARTTLS and then refuses it', async () => {
    raw = await startRawServer({
      ehlo: () => `250-raw.test\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n`,
      command: (line) => (/^STARTTLS/i.test(line) ? '454 4.7.0 TLS not available due to local problem\r\n' : undefined),
    });
    const error = await open('smtp://user:secret@mail.example:587', raw.port);
    expect(raw.commands.some((c) => /^AUTH/i.test(c))).toBe(false);
    expect(error.message).toContain('offers STARTTLS but could not start TLS');
  });

  it.each([
    ['smtp', false],
    ['smtps', true],
  ])('%s:// stops before AUTH at a certificate nobody this machine trusts signed', async (scheme, secure) => {
    let logins = 0;
    let messages = 0;
    server = new SMTPServer({
      secure,
      logger: false,
      disableReverseLookup: true,
      onAuth(_auth, _session, callback) {
        logins++;
        callback(null, { user: 'user' });
      },
      onData(stream, _session, callback) {
        messages++;
        stream.resume();
        stream.on('end', () => callback());
      },
    });
    server.on('error', () => {});
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.server.address() as AddressInfo).port;
    const error = await open(`${scheme}://user:secret@mail.example:${secure ? 465 : 587}`, port);
    expect(logins).toBe(0);
    expect(messages).toBe(0);
    expect(error.hint).toContain('certificate');
    expect(error.hint).toContain('NODE_EXTRA_CA_CERTS');
  });
});
