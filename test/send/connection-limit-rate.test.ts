import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { classifyFailure, isThrottling } from '../../src/send/retry.js';
import { isConnectionLimit } from '../../src/send/wire/connection-limit.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A 4.3.2 reply about how fast messages come, not how many connections are open, asks for a slower
 * pace: the run slows down and keeps its connections, rather than closing one for the rest of the run.
 */

const opened = useSendFixture<RawServer>();

describe('a 4.3.2 about the message rate', () => {
  it.each([
    [452, '452 4.3.2 Message rate limit exceeded, try again later'],
    [451, '451 4.3.2 Message submission rate for this client has exceeded the configured limit'],
    [421, '421 4.3.2 Too many messages per second from your account'],
    [450, '450 4.3.2 Rate exceeded: too many recipients per hour'],
  ])('%s "%s" is throttling, not a limit on connections', (code, reply) => {
    expect(isConnectionLimit(code, reply)).toBe(false);
    expect(isThrottling(classifyFailure({ responseCode: code, response: reply, command: 'MAIL FROM' }))).toBe(true);
  });

  it.each([
    [432, '432 4.3.2 Concurrent connections limit exceeded'],
    [452, '452 4.3.2 Too many connections, try again later'],
    [432, '432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded'],
  ])('%s "%s" is still a limit on connections', (code, reply) => {
    expect(isConnectionLimit(code, reply)).toBe(true);
  });

  it('slows the pace, keeps every connection and mails each reader once', async () => {
    opened.fixture = await sendFixture(12, { concurrency: 3, retries: 1, ratePerSecond: 200 });
    let refusals = 0;
    opened.server = await startRawServer({
      command: (line) =>
        /^MAIL/i.test(line) && ++refusals <= 3
          ? '452 4.3.2 Message rate limit exceeded, try again later\r\n'
          : undefined,
    });
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    expect(code, streams.err).toBe(0);
    expect(streams.err).not.toMatch(/allows fewer connections/);
    expect(streams.err).toMatch(/throttling \(452 4\.3\.2 Message rate limit exceeded[^)]*\): every connection slowed/);
    const taken = opened.server.messages.filter((m) => m.accepted).map((m) => m.to[0]);
    expect(taken.sort()).toEqual(await eligible(opened.fixture));
  }, 20_000);
});
