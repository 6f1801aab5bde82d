import { afterEach, describe, expect, it } from 'vitest';
import { singleMessageTransport } from '../../src/send/single-transport.js';
import { captureStreams } from '../helpers/project.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, type RawSession, startRawServer } from './_raw-smtp.js';

/**
 * A test send and the mails of `serve` go through nodemailer's own pool: a reply the server begins
 * and trickles a byte at a time, never ending it, must end within send.socketTimeoutMs there too,
 * not hold the command for ever.
 */

let fixture: SendFixture | undefined;
let server: RawServer | undefined;
const trickles = new Set<NodeJS.Timeout>();
afterEach(async () => {
  for (const timer of trickles) clearInterval(timer);
  trickles.clear();
  await server?.close();
  server = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

/** Writes "250" and then one more byte every 40 ms, never a line end, until the connection goes. */
function trickle(session: RawSession): null {
  session.write('250');
  const timer = setInterval(() => {
    if (session.socket.destroyed) return clearInterval(timer);
    session.write(' ');
  }, 40);
  trickles.add(timer);
  return null;
}

describe('a reply begun and never ended, over nodemailer’s pool', () => {
  it('ends a test send with the wait named, and nothing taken', async () => {
    fixture = await sendFixture(1, { retries: 0, socketTimeoutMs: 400 });
    server = await startRawServer({ command: (line, session) => (/^MAIL/i.test(line) ? trickle(session) : undefined) });
    const { main } = await import('../../src/cli/main.js');
    const streams = captureStreams();
    const code = await main(
      ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--test', 'me@example.test'],
      {
        cwd: fixture.dir,
        env: sendEnv(server.url()),
        stdout: streams.stdout,
        stderr: streams.stderr,
        signal: new AbortController().signal,
      },
    );
    expect(code).not.toBe(0);
    expect(streams.out + streams.err).toContain(
      'the SMTP server began a reply and did not finish it within 400 ms (send.socketTimeoutMs)',
    );
    expect(server.messages).toHaveLength(0);
  }, 60_000);

  it("ends a confirmation mail of serve's whose end the server answers so, named with its setting", async () => {
    fixture = await sendFixture(1, { socketTimeoutMs: 400 });
    server = await startRawServer({ dataEnd: (session) => trickle(session) });
    const { config } = await fixture.load();
    const transport = singleMessageTransport(config, server.url(), undefined, 'readers', fixture.dir);
    try {
      const error = await transport
        .send({ from: 'news@example.test', to: 'reader@example.test', subject: 'Confirm', text: 'Confirm.' })
        .then(
          () => undefined,
          (e: unknown) => e as Error,
        );
      expect(error?.message).toContain('did not finish it within 400 ms (send.socketTimeoutMs)');
    } finally {
      await transport.close();
    }
  }, 60_000);
});
