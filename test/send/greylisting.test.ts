import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A greylisting server turns away the first RCPT TO of each new recipient and takes it only once it
 * comes back after its delay. The run tries those readers again after the greylisting delay, does
 * not slow down the others, and reports how many were greylisted; nobody is deferred or mailed twice.
 */

const opened = useSendFixture<RawServer>();

/** The server's greylisting delay in the test; the run waits GREYLIST_RETRY_MS. */
const SERVER_DELAY_MS = 150;
const GREYLIST_RETRY_MS = 250;

/** Answers each address's RCPT TO with `reply` until SERVER_DELAY_MS passed since its first one. */
function greylister(reply: (address: string) => string) {
  const firstSeen = new Map<string, number>();
  return {
    command: (line: string) => {
      const address = /^RCPT TO:<([^>]*)>/i.exec(line)?.[1];
      if (!address) return undefined;
      const seen = firstSeen.get(address) ?? Date.now();
      firstSeen.set(address, seen);
      return Date.now() - seen < SERVER_DELAY_MS ? reply(address) : undefined;
    },
  };
}

function rows(f: SendFixture): { email: string; status: string }[] {
  const db = openStateDb(`${f.dir}/.rolecast/state.db`);
  try {
    return db.prepare('SELECT email, status FROM deliveries ORDER BY email').all() as never;
  } finally {
    db.close();
  }
}

describe('a greylisting server', () => {
  it.each([
    ["Exim's 451 4.7.1 Please try again later", () => '451 4.7.1 Please try again later\r\n'],
    [
      "Postgrey's 450 4.2.0 Greylisted",
      (address: string) => `450 4.2.0 <${address}>: Recipient address rejected: Greylisted\r\n`,
    ],
  ])(
    '%s: every reader is mailed once after the delay, the pace untouched, the count reported',
    async (_name, reply) => {
      // Retries of a few milliseconds would all come before the server's delay is over.
      opened.fixture = await sendFixture(12, { retries: 2, retryBaseMs: 5, greylistRetryMs: GREYLIST_RETRY_MS });
      opened.server = await startRawServer(greylister(reply));
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
      expect(rows(opened.fixture)).toEqual(expected.map((email) => ({ email, status: 'sent' })));
      expect(streams.err).not.toMatch(/throttling/);
      expect(streams.err).toMatch(
        /notice: the SMTP server greylists \(45\d 4\.\d\.\d[^)]*\): each reader .* tried again/,
      );
      const report = JSON.parse(streams.out) as { greylisted?: number; total: { deferred: number } };
      expect(report.greylisted).toBe(expected.length);
      expect(report.total.deferred).toBe(0);
    },
    20_000,
  );
});

describe('a run interrupted while greylisted readers wait', () => {
  it('ends at once, with those readers deferred for the next run and nobody mailed', async () => {
    opened.fixture = await sendFixture(8, { greylistRetryMs: 60_000 });
    const expected = await eligible(opened.fixture);
    const stop = new AbortController();
    const turnedAway = new Set<string>();
    opened.server = await startRawServer({
      command: (line) => {
        const address = /^RCPT TO:<([^>]*)>/i.exec(line)?.[1];
        if (!address) return undefined;
        turnedAway.add(address);
        // Every reader greylisted: the run waits for the delay, and is interrupted meanwhile.
        if (turnedAway.size === expected.length) setImmediate(() => stop.abort());
        return '450 4.2.0 Greylisted, see https://postgrey.example/help\r\n';
      },
    });
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: stop.signal,
    });
    expect(code, streams.err).toBe(130);
    expect(opened.server.messages).toHaveLength(0);
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    try {
      const deferred = db.prepare('SELECT email, status FROM deliveries ORDER BY email').all();
      expect(deferred).toEqual(expected.map((email) => ({ email, status: 'deferred' })));
    } finally {
      db.close();
    }
  }, 15_000);
});
