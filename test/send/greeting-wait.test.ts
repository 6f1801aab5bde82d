import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { nameTimeout } from '../../src/send/timeout-names.js';
import { DEFAULT_SMTP_TIMEOUTS } from '../../src/send/transport.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * The greeting is waited for no longer than send.greetingTimeoutMs nor than what is left of
 * send.connectionTimeoutMs: the wait named is the one that ran out, with the length it had.
 */

const opened = useSendFixture<RawServer>();

const greetingTimeout = () =>
  Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' });

describe('a server that never greets', () => {
  it('under a shorter connection timeout: names that wait and its length, not the greeting setting', async () => {
    opened.fixture = await sendFixture(3, {
      concurrency: 1,
      retries: 0,
      greetingTimeoutMs: 20_000,
      connectionTimeoutMs: 400,
    });
    opened.server = await startRawServer({ greeting: () => null });
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(streams.err).toContain(
      'no greeting within 400 ms of the first try to connect (send.connectionTimeoutMs, which bounds send.greetingTimeoutMs)',
    );
    expect(streams.err).not.toContain('within 20 s (send.greetingTimeoutMs)');
    expect(streams.err).toContain('raise send.greetingTimeoutMs and send.connectionTimeoutMs');
  });

  it.each<[{ greetingMs: number; connectionMs: number }, string]>([
    [
      { greetingMs: 30_000, connectionMs: 30_000 },
      'within 30 s of the first try to connect (send.connectionTimeoutMs, which bounds send.greetingTimeoutMs)',
    ],
    [{ greetingMs: 10_000, connectionMs: 30_000 }, 'within 10 s (send.greetingTimeoutMs)'],
  ])('with %o: "%s"', (waits, named) => {
    const error = nameTimeout(greetingTimeout(), { ...DEFAULT_SMTP_TIMEOUTS, ...waits });
    expect(error.message).toContain(named);
  });
});
