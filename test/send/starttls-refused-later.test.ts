import { afterEach, describe, expect, it } from 'vitest';
import { captureStreams } from '../helpers/project.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A server on this machine, no password and send.requireTls off: TLS is not required, but a
 * connection whose server offers STARTTLS does not go on in clear once the server refuses it. When a
 * later connection's server does that, the abort must say so, not that send.requireTls or a
 * password asked for TLS, nor that the offer went away.
 */

let fixture: SendFixture | undefined;
let raw: RawServer | undefined;
afterEach(async () => {
  await raw?.close();
  raw = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

describe('a later connection whose server offers STARTTLS and refuses it, TLS not required', () => {
  it('sends nothing over it, and the abort says the server refused STARTTLS', async () => {
    fixture = await sendFixture(3, { retries: 1, concurrency: 1 });
    raw = await startRawServer({
      // The first connection offers no STARTTLS and ends after its first message; later ones offer it.
      ehlo: (session) =>
        session.connection === 1
          ? '250-raw.test\r\n250-PIPELINING\r\n250 SIZE 10485760\r\n'
          : '250-raw.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 SIZE 10485760\r\n',
      command: (line) => (/^STARTTLS/i.test(line) ? '554 5.7.3 TLS is switched off here\r\n' : undefined),
      dataEnd: (session) => (session.connection === 1 ? { hangUp: '250 2.0.0 queued\r\n' } : undefined),
    });
    const { main } = await import('../../src/cli/main.js');
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: fixture.dir,
      env: sendEnv(raw.url()),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    const out = streams.out + streams.err;
    expect(raw.connections()).toBeGreaterThan(1);
    expect(raw.messages.map((m) => m.connection)).toEqual([1]);
    expect(code).toBe(3);
    expect(out).toContain('did not start TLS on a new connection');
    expect(out).toContain('refused STARTTLS');
    expect(out).not.toContain('TLS is required with it');
    expect(out).not.toContain('refuses this sender or account');
  }, 60_000);
});
