import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A server that answers DATA with 354 and, in the same breath, a final refusal has ended that
 * message: none of it is written afterwards (its lines would reach the server as commands), and the
 * readers after it on the same connection are mailed as usual.
 */

const opened = useSendFixture<RawServer>();

describe('a refusal that comes with the 354', () => {
  it('writes none of the message and mails every other reader once', async () => {
    opened.fixture = await sendFixture(6, { concurrency: 1, retryBaseMs: 10 });
    const expected = await eligible(opened.fixture);
    const refused = expected[2]!;
    let answered = false;
    opened.server = await startRawServer({
      command: (line, session) => {
        if (!/^DATA$/i.test(line) || session.to[0] !== refused) return undefined;
        answered = true;
        // Both replies at once; the server reads what follows as commands again.
        session.write('354 go ahead\r\n554 5.7.1 Message refused\r\n');
        return null;
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
    expect(answered).toBe(true);
    // Only commands reached the server: no header, body or final dot of the refused message.
    expect(
      opened.server.commands.filter((line) => !/^(EHLO|HELO|MAIL|RCPT|DATA|RSET|NOOP|QUIT)\b/i.test(line)),
    ).toEqual([]);
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    try {
      const rows = db.prepare('SELECT email, status FROM deliveries').all() as { email: string; status: string }[];
      const status = Object.fromEntries(rows.map((row) => [row.email, row.status]));
      for (const email of expected) expect(status[email], email).toBe(email === refused ? 'failed' : 'sent');
    } finally {
      db.close();
    }
    for (const email of expected)
      expect(
        opened.server.messages.filter((m) => m.to[0] === email),
        email,
      ).toHaveLength(email === refused ? 0 : 1);
    expect(code).not.toBe(0);
  });
});
