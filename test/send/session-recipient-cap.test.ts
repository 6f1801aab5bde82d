import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { isSessionMessageCap } from '../../src/send/wire/session-cap.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A server that counts recipients over a whole session and answers the one past its cap with "452
 * 4.5.3 Too many recipients". Each message names one reader, so the cap is on the connection's
 * messages: the message goes out at once on a new connection, as for a cap said of messages.
 */

const opened = useSendFixture<RawServer>();

const CAP = 3;

describe('a cap on recipients per connection', () => {
  it.each([['452 4.5.3 Error: too many recipients'], ['452 Too many recipients']])(
    '"%s" to RCPT TO: every reader mailed once at the first try, the cap learnt',
    async (reply) => {
      opened.fixture = await sendFixture(20, { concurrency: 2, retries: 3 });
      const recipients = new Map<number, number>();
      opened.server = await startRawServer({
        command: (line, session) => {
          const to = /^RCPT TO:<([^>]*)>/i.exec(line)?.[1];
          if (to === undefined) return undefined;
          const count = (recipients.get(session.connection) ?? 0) + 1;
          recipients.set(session.connection, count);
          if (count > CAP) return `${reply}\r\n`;
          session.to.push(to);
          return '250 2.1.5 ok\r\n';
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
      expect(streams.err).toMatch(/notice: the SMTP server .* takes at most 3 messages a connection/);
      expect(streams.err).not.toMatch(/throttl|slowed/);
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
    },
  );
});

describe('reading a reply to RCPT TO as a cap on the connection', () => {
  it.each<[string, string, boolean]>([
    ['452 4.5.3 Error: too many recipients', 'RCPT TO', true],
    ['452 Too many recipients', 'RCPT TO', true],
    ['452 4.5.3 Too many recipients', 'DATA', false],
    ['452 4.5.3 Too many recipients this hour', 'RCPT TO', false],
    ['451 4.7.1 Too many recipients per minute', 'RCPT TO', false],
    ['452 4.5.3 Recipient rate limit: too many recipients', 'RCPT TO', false],
    ['552 5.5.3 Too many recipients', 'RCPT TO', false],
    ['450 4.2.0 <too-many-recipients@example.test>: Recipient address rejected: Greylisted', 'RCPT TO', false],
  ])('%s (to %s): %s', (response, command, expected) => {
    expect(isSessionMessageCap({ responseCode: Number(response.slice(0, 3)), response, command })).toBe(expected);
  });
});
