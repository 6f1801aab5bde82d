import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { isSessionMessageCap } from '../../src/send/wire/session-cap.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A server that takes only so many messages on one connection ("421 4.7.0 Too many messages in this
 * session" at the next MAIL FROM) limits the connection, not the run's pace: the message goes out on
 * a new connection at once, not slowed, not counted as a try, and the cap is learnt so connections
 * are renewed before it.
 */

const opened = useSendFixture<RawServer>();

const CAP = 3;

describe('a cap on messages per connection', () => {
  it.each([
    ['421 4.7.0 Too many messages in this session'],
    ['421 4.4.2 Messages per connection limit exceeded, please reconnect'],
  ])('"%s": every reader mailed once, at the same pace, the cap heard once a connection at most', async (reply) => {
    opened.fixture = await sendFixture(12, { concurrency: 1, retries: 0 });
    let refusals = 0;
    opened.server = await startRawServer({
      command: (line, session) => {
        if (!/^MAIL FROM/i.test(line) || session.messages < CAP) return undefined;
        refusals++;
        return { hangUp: `${reply}\r\n` };
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
    // Learnt from the first refusal: the connections after it are closed before the cap.
    expect(refusals).toBe(1);
    expect(opened.server.connections()).toBe(Math.ceil(expected.length / CAP));
    expect(streams.err).not.toMatch(/throttl|slowed/);
    expect(streams.err).toMatch(/notice: the SMTP server .* takes at most 3 messages a connection/);
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    try {
      const rows = db.prepare('SELECT status, attempts FROM deliveries').all() as {
        status: string;
        attempts: number;
      }[];
      expect(rows).toHaveLength(expected.length);
      expect(rows.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
    } finally {
      db.close();
    }
  });
});

describe('reading a reply as a cap on messages per connection', () => {
  it.each([
    ['421 4.7.0 Too many messages in this session', true],
    ['452 4.5.3 Too many messages per connection', true],
    ['421 4.4.2 Messages per connection limit exceeded', true],
    ['421 4.7.0 Too many messages, slow down', false],
    ['451 4.7.1 Too many messages per hour', false],
    ['550 5.7.1 Too many messages in this session', false],
    ['450 4.2.0 <too-many-messages-per-session@example.test>: Recipient address rejected: Greylisted', false],
  ])('%s: %s', (response, expected) => {
    expect(isSessionMessageCap({ responseCode: Number(response.slice(0, 3)), response })).toBe(expected);
  });
});
