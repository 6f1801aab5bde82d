import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { planAudience } from '../../src/group/index.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, type RawServerOptions, startRawServer } from './_raw-smtp.js';

/**
 * Servers as real providers and relays behave: greylisting, refusals of DATA or of a message's end
 * for want of resources, a hang-up right after the 250, a slow banner, odd multi-line replies, a
 * login offered only as AUTH LOGIN. Each reader is mailed exactly once and recorded as sent.
 */

const opened = useSendFixture<RawServer>();

const RCPT = /^RCPT TO:<([^>]*)>/i;

/** Answers the first RCPT TO of each address with `reply`, as a greylisting server does. */
function greylisting(reply: (address: string) => string): RawServerOptions {
  const seen = new Set<string>();
  return {
    command: (line) => {
      const address = RCPT.exec(line)?.[1];
      if (!address || seen.has(address)) return undefined;
      seen.add(address);
      return reply(address);
    },
  };
}

/** A server that offers only AUTH LOGIN and takes any user name and password. */
function loginOnly(): RawServerOptions {
  const steps = new Map<number, number>();
  return {
    ehlo: () => '250-raw.test\r\n250-PIPELINING\r\n250 AUTH LOGIN\r\n',
    command: (line, session) => {
      const step = steps.get(session.connection) ?? 0;
      if (/^AUTH LOGIN$/i.test(line)) {
        steps.set(session.connection, 1);
        return '334 VXNlcm5hbWU6\r\n';
      }
      if (/^AUTH /i.test(line)) return '504 5.5.4 Unrecognized authentication type\r\n';
      if (step === 0) return undefined;
      steps.set(session.connection, step === 1 ? 2 : 0);
      return step === 1 ? '334 UGFzc3dvcmQ6\r\n' : '235 2.7.0 Authentication successful\r\n';
    },
  };
}

function firstFew(count: number, reply: string): () => string | undefined {
  let n = 0;
  return () => (++n <= count ? reply : undefined);
}

const CASES: [string, () => RawServerOptions][] = [
  ['greylisting with 451 4.7.1', () => greylisting(() => '451 4.7.1 Greylisted, please try again later\r\n')],
  [
    "postgrey's 450 4.2.0",
    () => greylisting((address) => `450 4.2.0 <${address}>: Recipient address rejected: Greylisted\r\n`),
  ],
  [
    'RCPT TO taken, then DATA refused with 452',
    () => {
      const refuse = firstFew(3, '452 4.3.1 Insufficient system resources\r\n');
      return { command: (line) => (/^DATA$/i.test(line) ? refuse() : undefined) };
    },
  ],
  [
    'a 452 to the end of the first messages',
    () => ({ dataEnd: firstFew(3, '452 4.3.1 Insufficient system storage\r\n') }),
  ],
  [
    'a 250 to the end of each message, then a hang-up without QUIT',
    () => ({ dataEnd: () => ({ hangUp: '250 2.0.0 queued\r\n' }) }),
  ],
  [
    'a banner sent only after a pause',
    () => ({
      greeting: (session) => {
        setTimeout(() => session.write('220 slow.test ESMTP\r\n'), 300);
        return null;
      },
    }),
  ],
  [
    'multi-line replies, a bare SIZE and the old AUTH=LOGIN in the EHLO reply',
    () => ({
      ...loginOnly(),
      ehlo: () => '250-raw.test hello\r\n250-PIPELINING\r\n250-SIZE\r\n250-AUTH=LOGIN\r\n250 8BITMIME\r\n',
      dataEnd: () => '250-2.0.0 Ok: queued as ABC\r\n250-line two\r\n250 2.0.0 done\r\n',
    }),
  ],
  ['a login offered only as AUTH LOGIN', loginOnly],
];

/** The cases whose server offers a login: the run must log in with it, not merely get through without it. */
const LOGS_IN = new Set([
  'multi-line replies, a bare SIZE and the old AUTH=LOGIN in the EHLO reply',
  'a login offered only as AUTH LOGIN',
]);

describe('servers as providers run them', () => {
  it.each(CASES)(
    '%s: every reader is mailed once and recorded as sent',
    async (name, options) => {
      // A greylisted reader comes back after 50 ms, not the minutes a real greylister needs.
      opened.fixture = await sendFixture(8, { greylistRetryMs: 50 });
      opened.server = await startRawServer(options());
      const streams = captureStreams();
      const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
        cwd: opened.fixture.dir,
        env: sendEnv(opened.server.url({ user: 'ann', pass: 's3cretpw' })),
        stdout: streams.stdout,
        stderr: streams.stderr,
        signal: new AbortController().signal,
      });
      expect(code, streams.err).toBe(0);
      const project = await opened.fixture.load();
      const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
      const expected = plan.recipients.map((r) => r.subscriber.email).sort();
      const taken = opened.server.messages.filter((m) => m.accepted).map((m) => m.to[0]);
      expect(taken.sort()).toEqual(expected);
      const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
      try {
        const rows = db.prepare('SELECT email, status FROM deliveries ORDER BY email').all();
        expect(rows).toEqual(expected.map((email) => ({ email, status: 'sent' })));
      } finally {
        db.close();
      }
      expect(streams.err).not.toContain('s3cretpw');
      if (LOGS_IN.has(name)) {
        // Each connection logs in with AUTH LOGIN and the user name of SMTP_URL before its first message.
        const logins = opened.server.commands.filter((line) => /^AUTH /i.test(line));
        expect(logins.length).toBeGreaterThan(0);
        expect(new Set(logins)).toEqual(new Set(['AUTH LOGIN']));
        expect(opened.server.commands).toContain(Buffer.from('ann').toString('base64'));
      }
    },
    20_000,
  );
});
