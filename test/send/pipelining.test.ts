import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A server that reads one command at a time and drops the rest of a packet: pipelined MAIL FROM,
 * RCPT TO and DATA (RFC 2920) go unanswered. Whether or not it offers PIPELINING, every reader is
 * mailed once, at the first attempt, and the run says what it changed.
 */

const opened = useSendFixture<RawServer>();

const WITHOUT_PIPELINING = '250-raw.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n';

function ledger(f: SendFixture): { email: string; status: string; attempts: number }[] {
  const db = openStateDb(`${f.dir}/.rolecast/state.db`);
  try {
    return db.prepare('SELECT email, status, attempts FROM deliveries ORDER BY email').all() as never;
  } finally {
    db.close();
  }
}

async function run(f: SendFixture, url: string) {
  const streams = captureStreams();
  const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
    cwd: f.dir,
    env: sendEnv(url),
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, err: streams.err };
}

describe('a server that leaves pipelined commands unanswered', () => {
  it.each([
    ['offers PIPELINING', true],
    ['does not offer PIPELINING', false],
  ])(
    '%s: every reader is mailed once at the first attempt',
    async (_name, offered) => {
      // A short socket timeout: the unanswered envelope is noticed in a second, not a minute.
      opened.fixture = await sendFixture(10, { socketTimeoutMs: 800, retries: 1 });
      opened.server = await startRawServer({
        firstCommandOfPacket: true,
        ...(offered ? {} : { ehlo: () => WITHOUT_PIPELINING }),
      });
      const { code, err } = await run(opened.fixture, opened.server.url());
      const expected = await eligible(opened.fixture);
      expect(code, err).toBe(0);
      const notice = err.match(
        /offers PIPELINING but left pipelined commands unanswered more than once: sending each command on its own/g,
      );
      expect(notice?.length ?? 0).toBe(offered ? 1 : 0);
      expect(err).not.toMatch(/could not be reached/);
      const taken = opened.server.messages.filter((m) => m.accepted).map((m) => m.to[0]);
      expect(taken.sort()).toEqual(expected);
      expect(ledger(opened.fixture)).toEqual(expected.map((email) => ({ email, status: 'sent', attempts: 1 })));
    },
    20_000,
  );
});
