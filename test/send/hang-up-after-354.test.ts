import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A server that answers DATA with 354 and hangs up in the same breath read none of the message: it
 * is sent again in the same run, not deferred as "may have been delivered", and each reader gets
 * one copy.
 */

const opened = useSendFixture<RawServer>();

describe('a server that hangs up right after its 354', () => {
  it.each([1, 2])('with %i connection(s): the reader is mailed once in the same run', async (concurrency) => {
    opened.fixture = await sendFixture(6, { concurrency, retryBaseMs: 10 });
    const expected = await eligible(opened.fixture);
    const broken = expected[2]!;
    let hungUp = false;
    opened.server = await startRawServer({
      command: (line, session) => {
        if (!/^DATA$/i.test(line) || session.to[0] !== broken || hungUp) return undefined;
        hungUp = true;
        return { hangUp: '354 go ahead\r\n' };
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
    const report = JSON.parse(streams.out);
    expect(hungUp).toBe(true);
    expect(code).toBe(0);
    expect(report.total).toMatchObject({ failed: 0, deferred: 0, pending: 0 });
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    try {
      const rows = db.prepare('SELECT email, status FROM deliveries').all() as { email: string; status: string }[];
      expect(Object.fromEntries(rows.map((row) => [row.email, row.status]))).toEqual(
        Object.fromEntries(expected.map((email) => [email, 'sent'])),
      );
    } finally {
      db.close();
    }
    for (const email of expected)
      expect(
        opened.server.messages.filter((m) => m.to[0] === email),
        email,
      ).toHaveLength(1);
  });
});
