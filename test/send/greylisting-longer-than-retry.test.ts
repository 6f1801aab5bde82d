import { expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A greylister whose delay is longer than `send.greylistRetryMs` turns a reader away again at their
 * second try, with the same reply as at the first (Exim's "451 4.7.1 Please try again later"). That
 * reader is still greylisted: waited for again, never taken for a limit on the whole run.
 */

const opened = useSendFixture<RawServer>();

const SERVER_DELAY_MS = 400;
const GREYLIST_RETRY_MS = 150;

it("Exim's 4.7.1 at a greylisted reader's later tries keeps the run's pace, and every reader is mailed once", async () => {
  opened.fixture = await sendFixture(12, { retries: 2, retryBaseMs: 5, greylistRetryMs: GREYLIST_RETRY_MS });
  const firstSeen = new Map<string, number>();
  opened.server = await startRawServer({
    command: (line) => {
      const address = /^RCPT TO:<([^>]*)>/i.exec(line)?.[1];
      if (!address) return undefined;
      const seen = firstSeen.get(address) ?? Date.now();
      firstSeen.set(address, seen);
      return Date.now() - seen < SERVER_DELAY_MS ? '451 4.7.1 Please try again later\r\n' : undefined;
    },
  });
  const streams = captureStreams();
  const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'], {
    cwd: opened.fixture.dir,
    env: sendEnv(opened.server.url()),
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  const expected = await eligible(opened.fixture);
  expect(code, streams.err).toBe(0);
  const taken = opened.server.messages.filter((m) => m.accepted).map((m) => m.to[0]);
  expect(taken.sort()).toEqual(expected);
  expect(streams.err).not.toMatch(/throttl/i);
  const report = JSON.parse(streams.out) as { greylisted?: number; total: { deferred: number; sent: number } };
  expect(report.greylisted).toBe(expected.length);
  expect(report.total.sent).toBe(expected.length);
  expect(report.total.deferred).toBe(0);
}, 30_000);
