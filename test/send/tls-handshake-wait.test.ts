import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A server that answers STARTTLS with 220 and then never finishes the TLS handshake: the wait that
 * ran out is named with its length and its setting, as the other waits are, and nothing is sent.
 */

const opened = useSendFixture<RawServer>();

const EHLO = '250-raw.test\r\n250-STARTTLS\r\n250-PIPELINING\r\n250 SIZE 10485760\r\n';

describe('a TLS handshake after STARTTLS that never finishes', () => {
  it.each([
    [{ greetingTimeoutMs: 300 }, 'within 300 ms (send.greetingTimeoutMs)'],
    [
      { greetingTimeoutMs: 5_000, connectionTimeoutMs: 400 },
      'within 400 ms of the first try to connect (send.connectionTimeoutMs',
    ],
  ])('with %o: the command names the wait and its setting', async (timeouts, named) => {
    opened.fixture = await sendFixture(2, { concurrency: 1, retries: 0, ...timeouts });
    opened.server = await startRawServer({
      ehlo: () => EHLO,
      command: (line, session) => {
        if (!/^STARTTLS$/i.test(line)) return undefined;
        // Reads nothing more: the client's TLS hello is never answered.
        session.socket.removeAllListeners('data');
        return '220 2.0.0 ready to start TLS\r\n';
      },
    });
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    const out = streams.out + streams.err;
    expect(code).toBe(2);
    expect(out).toContain(`the TLS handshake after STARTTLS did not finish ${named}`);
    expect(out).toContain('never answered the handshake');
    expect(out).not.toContain("check the server's certificate");
    expect(opened.server.messages).toHaveLength(0);
    expect(opened.server.commands.some((command) => /^MAIL/i.test(command))).toBe(false);
  });
});
