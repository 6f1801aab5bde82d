import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A server that ends an idle session ("421 4.4.2 … timeout exceeded", Postfix's words) may say so
 * just as the next message starts on that connection, taking the 421 for the reply to its MAIL FROM.
 * Nothing of the message was taken, and the server is not slowing anyone down: the message goes out
 * on a new connection, at the same pace, not counted as a try.
 */

const opened = useSendFixture<RawServer>();

async function send(reply: string) {
  opened.fixture = await sendFixture(12, { concurrency: 1, retries: 3 });
  opened.server = await startRawServer({
    command: (line, session) =>
      /^MAIL FROM/i.test(line) && session.messages >= 2 ? { hangUp: `${reply}\r\n` } : undefined,
  });
  const streams = captureStreams();
  const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'], {
    cwd: opened.fixture.dir,
    env: sendEnv(opened.server.url()),
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
  try {
    const rows = db.prepare('SELECT status, attempts FROM deliveries').all() as { status: string; attempts: number }[];
    return { code, err: streams.err, rows };
  } finally {
    db.close();
  }
}

describe('a 421 that ends an idle session as the next message starts', () => {
  it.each([['421 4.4.2 raw.test Error: timeout exceeded'], ['421 4.4.2 Connection timed out']])(
    '"%s": every reader mailed once at the first try, the pace untouched',
    async (reply) => {
      const { code, err, rows } = await send(reply);
      const expected = await eligible(opened.fixture!);
      expect(code, err).toBe(0);
      expect(
        opened
          .server!.messages.filter((m) => m.accepted)
          .map((m) => m.to[0])
          .sort(),
      ).toEqual(expected);
      expect(rows).toHaveLength(expected.length);
      expect(rows.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
      expect(err).not.toMatch(/throttl|slowed/);
    },
  );

  it('a 421 asking to slow down, on the same cue, still slows the run', async () => {
    const { code, err } = await send('421 4.7.0 Too many messages, slow down');
    expect(code, err).toBe(0);
    expect(err).toMatch(/throttl/);
  });
});
