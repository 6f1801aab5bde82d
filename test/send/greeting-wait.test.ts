import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { nameTimeout } from '../../src/send/timeout-names.js';
import { DEFAULT_SMTP_TIMEOUTS } from '../../src/send/transport.js';
import { captureStreams } from '../helpers/project.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * The greeting is waited for no longer than send.greetingTimeoutMs nor than what is left of
 * send.connectionTimeoutMs: the wait named is the one that ran out, with the length it had.
 */

let fixture: SendFixture | undefined;
let server: RawServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

const greetingTimeout = () =>
  Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' });

describe('a server that never greets', () => {
  it('under a shorter connection timeout: names that wait and its length, not the greeting setting', async () => {
    fixture = await sendFixture(3, { concurrency: 1, retries: 0, greetingTimeoutMs: 20_000, connectionTimeoutMs: 400 });
    server = await startRawServer({ greeting: () => null });
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: fixture.dir,
      env: sendEnv(server.url()),
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
