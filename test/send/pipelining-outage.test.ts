import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A server that goes dark (takes connections, answers nothing) while pipelined envelopes wait for its replies looks, at first, like one
 * that reads one command at a time. Only a server that then answers the same commands sent one at a
 * time is one: an outage is reported as the server being unreachable, nobody is marked failed,
 * and pipelining is not turned off for it.
 */

const opened = useSendFixture<RawServer>();

describe('a server that goes down under pipelined envelopes', () => {
  it('is reported unreachable, not as a server that cannot take pipelined commands', async () => {
    // Short timeouts: the silence is noticed in half a second, not a minute.
    opened.fixture = await sendFixture(10, {
      concurrency: 3,
      retries: 1,
      retryBaseMs: 5,
      socketTimeoutMs: 500,
      greetingTimeoutMs: 500,
    });
    // Once the first envelope is in, the host goes dark: connections are taken, nothing is answered.
    let down = false;
    const raw = await startRawServer({
      greeting: () => (down ? null : undefined),
      command: (line) => {
        if (/^MAIL/i.test(line)) down = true;
        return down ? null : undefined;
      },
    });
    opened.server = raw;
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: opened.fixture.dir,
      env: sendEnv(raw.url()),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    expect(code, streams.err).toBe(3);
    expect(streams.err).toMatch(/could not be reached/);
    expect(streams.err).not.toMatch(/offers PIPELINING but left pipelined commands unanswered/);
    expect(raw.messages).toHaveLength(0);
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    try {
      const statuses = db.prepare('SELECT DISTINCT status FROM deliveries').all() as { status: string }[];
      expect(statuses.map((row) => row.status).filter((status) => status !== 'deferred')).toEqual([]);
    } finally {
      db.close();
    }
  }, 20_000);
});
