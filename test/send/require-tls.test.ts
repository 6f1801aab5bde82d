import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { RolecastError } from '../../src/errors.js';
import { singleMessageTransport } from '../../src/send/single-transport.js';
import { readerMailTransport } from '../../src/serve/readers/setup.js';
import { captureStreams } from '../helpers/project.js';
import { loopbackSmtpUrl } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * send.requireTls: smtp:// with no password goes on only over STARTTLS, so something on the way
 * that removes the server's offer cannot read the readers' mail. It holds for a send (the wire
 * pool), a test send and a reader's confirmation from `serve` (nodemailer's own pool) alike, and
 * stops before MAIL FROM. The servers here are on 127.0.0.1, where TLS is otherwise never asked for.
 */

let fixture: SendFixture | undefined;
let raw: RawServer | undefined;
let server: SMTPServer | undefined;
afterEach(async () => {
  await raw?.close();
  raw = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

/** A server that does not offer STARTTLS (as when something on the way strips the offer); it answers STARTTLS with 502. */
const NO_STARTTLS_EHLO = '250-raw.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n';

async function cli(args: string[], url: string) {
  const { main } = await import('../../src/cli/main.js');
  const streams = captureStreams();
  const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', ...args], {
    cwd: fixture!.dir,
    env: sendEnv(url),
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, out: streams.out + streams.err };
}

function mailed(): boolean {
  return raw!.commands.some((c) => /^(MAIL|RCPT|DATA)/i.test(c)) || raw!.messages.length > 0;
}

describe('send.requireTls with a server that offers no STARTTLS', () => {
  it('a send stops before MAIL FROM, sends nothing and names the setting', async () => {
    fixture = await sendFixture(3, { requireTls: true, retries: 0 });
    raw = await startRawServer({ ehlo: () => NO_STARTTLS_EHLO });
    const { code, out } = await cli([], raw.url());
    expect(code).not.toBe(0);
    expect(raw.commands.some((c) => /^STARTTLS/i.test(c))).toBe(true);
    expect(mailed()).toBe(false);
    expect(out).toContain('does not offer STARTTLS');
    expect(out).toContain('send.requireTls');
  }, 60_000);

  it('a test send stops before MAIL FROM and names the setting', async () => {
    fixture = await sendFixture(3, { requireTls: true, retries: 0 });
    raw = await startRawServer({ ehlo: () => NO_STARTTLS_EHLO });
    const { code, out } = await cli(['--test', 'me@example.test'], raw.url());
    expect(code).not.toBe(0);
    expect(mailed()).toBe(false);
    expect(out).toContain('send.requireTls');
  }, 60_000);

  it('a server that refuses EHLO is not greeted with HELO and mailed in clear', async () => {
    fixture = await sendFixture(3, { requireTls: true, retries: 0 });
    raw = await startRawServer({ ehlo: () => '500 5.5.1 command unrecognized\r\n' });
    const { code, out } = await cli(['--test', 'me@example.test'], raw.url());
    expect(code).not.toBe(0);
    expect(raw.commands.some((c) => /^HELO/i.test(c))).toBe(false);
    expect(mailed()).toBe(false);
    expect(out).toContain('send.requireTls');
  }, 60_000);

  it("serve's confirmation mail: the check names the setting, and a mail sent without it goes nowhere", async () => {
    fixture = await sendFixture(1, { requireTls: true });
    raw = await startRawServer({ ehlo: () => NO_STARTTLS_EHLO });
    const { config } = await fixture.load();
    // serve checks the login as it starts listening: the check of the transport it makes.
    const { transport: checked } = await readerMailTransport(config, { smtpUrl: raw.url() } as never, fixture.dir);
    const error = (await checked.verify().then(
      () => undefined,
      (e: unknown) => e,
    )) as RolecastError | undefined;
    await checked.close();
    expect(error?.message).toContain('send.requireTls');
    const transport = singleMessageTransport(config, raw.url(), undefined, 'readers', fixture.dir);
    try {
      const sent = await transport
        .send({ from: 'news@example.test', to: 'reader@example.test', subject: 'Confirm', text: 'Confirm.' })
        .then(
          () => 'sent',
          () => 'refused',
        );
      expect(sent).toBe('refused');
    } finally {
      await transport.close();
    }
    expect(mailed()).toBe(false);
  }, 60_000);

  it('a dry run names the transport as requiring STARTTLS', async () => {
    fixture = await sendFixture(3, { requireTls: true });
    const { out } = await cli(['--dry-run'], 'smtp://relay.example:25');
    expect(out).toContain('STARTTLS required');
  }, 60_000);
});

describe('send.requireTls with a server that offers STARTTLS', () => {
  it('the test send goes over TLS (a self-signed certificate on this machine is taken)', async () => {
    fixture = await sendFixture(3, { requireTls: true, retries: 0 });
    const secure: boolean[] = [];
    const received: string[] = [];
    server = new SMTPServer({
      logger: false,
      disableReverseLookup: true,
      authOptional: true,
      onMailFrom(_address, session, callback) {
        secure.push(session.secure);
        callback();
      },
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    });
    server.on('error', () => {});
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.server.address() as AddressInfo).port;
    const { code, out } = await cli(['--test', 'me@example.test'], loopbackSmtpUrl(port));
    expect(out).not.toContain('send.requireTls');
    expect(code).toBe(0);
    expect(secure).toEqual([true]);
    expect(received).toHaveLength(1);
    expect((await simpleParser(received[0]!)).subject).toContain('[test');
  }, 60_000);
});

describe('send.requireTls with a server whose STARTTLS offer goes away during a run', () => {
  it('sends nothing in clear, and the abort says TLS could not be had, not that the account was refused', async () => {
    fixture = await sendFixture(3, { requireTls: true, retries: 1, concurrency: 1 });
    let connections = 0;
    let mails = 0;
    const inClear: string[] = [];
    server = new SMTPServer({
      logger: false,
      disableReverseLookup: true,
      authOptional: true,
      // The first connection offers STARTTLS; every later one does not, as with the offer stripped.
      onConnect(session, callback) {
        if (++connections > 1) Object.assign(session, { disabledCommands: ['STARTTLS'] });
        callback();
      },
      onMailFrom(address, session, callback) {
        if (!session.secure) inClear.push(address.address);
        // Closes the first connection after its first message, so the next one is opened.
        if (++mails === 2) return callback(Object.assign(new Error('shutting down'), { responseCode: 421 }));
        callback();
      },
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback());
      },
    });
    server.on('error', () => {});
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.server.address() as AddressInfo).port;
    const { code, out } = await cli([], loopbackSmtpUrl(port));
    expect(connections).toBeGreaterThan(1);
    expect(inClear).toEqual([]);
    expect(code).toBe(3);
    expect(out).toContain('did not start TLS on a new connection');
    expect(out).toContain('send.requireTls');
    expect(out).not.toContain('refuses this sender or account');
  }, 60_000);
});
