import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A refusal written over several lines (RFC 5321 4.2.1: "550-" on each line but the last) is kept
 * in the ledger and the report as the server's words once, its code and enhanced status at the
 * front, not with the code repeated at every line break.
 */

const opened = useSendFixture<RawServer>();

const GMAIL_NO_SUCH_USER =
  '550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n' +
  "550-5.1.1 double-checking the recipient's email address for typos or\r\n" +
  '550-5.1.1 unnecessary spaces. For more information, go to\r\n' +
  '550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1b2c3 - gsmtp\r\n';

const STORED =
  "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. For more information, go to https://support.google.com/mail/?p=NoSuchUser a1b2c3 - gsmtp";

describe('a refusal over several lines', () => {
  it.each([
    ['with an enhanced status', GMAIL_NO_SUCH_USER, STORED],
    [
      'without one',
      '550-No such user here\r\n550-(the mailbox was closed)\r\n550 Write to the postmaster\r\n',
      '550 No such user here (the mailbox was closed) Write to the postmaster',
    ],
  ])('%s is recorded as its words once', async (_name, reply, stored) => {
    opened.fixture = await sendFixture(3, { concurrency: 1, retries: 0 });
    const gone = (await eligible(opened.fixture))[1]!;
    opened.server = await startRawServer({
      command: (line) => (line.toLowerCase() === `rcpt to:<${gone}>` ? reply : undefined),
    });
    const streams = captureStreams();
    await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'], {
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    try {
      const row = db.prepare('SELECT status, response, response_code FROM deliveries WHERE email = ?').get(gone) as {
        status: string;
        response: string;
        response_code: number;
      };
      expect(row).toEqual({ status: 'failed', response: stored, response_code: 550 });
    } finally {
      db.close();
    }
    const report = JSON.parse(streams.out);
    expect(report.failures.map((failure: { response: string }) => failure.response)).toEqual([stored]);
  });
});
