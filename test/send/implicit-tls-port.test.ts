import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureStreams } from '../helpers/project.js';
import { loopbackSmtpUrl } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A server that takes TLS from the first byte (smtps://, port 465) waits for the client's TLS hello
 * and never greets an smtp:// client: the command says to write smtps://, not only to check the host.
 */

let fixture: SendFixture | undefined;
let server: SMTPServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

describe('smtp:// to a port that expects TLS from the start', () => {
  it('stops with nothing sent, naming the wait that ran out and saying to write smtps://', async () => {
    fixture = await sendFixture(3, { greetingTimeoutMs: 400 });
    let messages = 0;
    server = new SMTPServer({
      secure: true,
      authOptional: true,
      logger: false,
      onData(stream, _session, callback) {
        messages++;
        stream.resume();
        stream.on('end', () => callback());
      },
    });
    // The client hangs up before any TLS hello: the server's complaint about it is expected.
    server.on('error', () => {});
    server.listen(0, '127.0.0.1');
    await once(server.server, 'listening');
    const port = (server.server.address() as AddressInfo).port;
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: fixture.dir,
      env: sendEnv(loopbackSmtpUrl(port)),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(streams.err).toContain('sent no greeting within 400 ms (send.greetingTimeoutMs)');
    expect(streams.err).toMatch(/expects TLS from the start .* write the URL as smtps:\/\//);
    expect(streams.err).toContain('nothing was sent');
    expect(messages).toBe(0);
  });
});
