import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { classifyFailure, isThrottling } from '../../src/send/retry.js';
import { isConnectionLimit } from '../../src/send/wire/connection-limit.js';
import { captureStreams } from '../helpers/project.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawAnswer, type RawServer, type RawSession, startRawServer } from './_raw-smtp.js';

/**
 * Servers that allow an account only so many connections at once and say so in a reply, at the
 * greeting, to MAIL FROM or to the end of a message: the run goes on over the connections it was
 * allowed, says so, and no reader is failed, deferred, counted as retried or mailed twice.
 */

const servers: RawServer[] = [];
let fixture: SendFixture | undefined;
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await fixture?.cleanup();
  fixture = undefined;
});

const ALLOWED = 2;

type Where = 'greeting' | 'mail' | 'dataEnd';

/** A server that admits the first ALLOWED connections open at once and answers the others with `reply` at `where`. */
async function cappedServer(where: Where, reply: RawAnswer) {
  const admitted = new Set<number>();
  let most = 0;
  const over = (session: RawSession) => !admitted.has(session.connection);
  const server = await startRawServer({
    greeting: (session) => {
      if (admitted.size < ALLOWED) {
        admitted.add(session.connection);
        most = Math.max(most, admitted.size);
        session.socket.once('close', () => admitted.delete(session.connection));
      }
      return where === 'greeting' && over(session) ? reply : undefined;
    },
    command: (line, session) => (where === 'mail' && /^MAIL/i.test(line) && over(session) ? reply : undefined),
    dataEnd: (session) => (where === 'dataEnd' && over(session) ? reply : undefined),
  });
  servers.push(server);
  return { server, most: () => most };
}

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
  const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--concurrency', '5'], {
    cwd: f.dir,
    env: sendEnv(url),
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, err: streams.err };
}

describe('a server that limits the connections open at once', () => {
  it.each<[string, Where, RawAnswer]>([
    [
      "Exchange Online's 432 at the greeting",
      'greeting',
      { hangUp: '432 4.3.2 Concurrent connections limit exceeded\r\n' },
    ],
    ['a 421 at the greeting', 'greeting', { hangUp: '421 4.7.0 Too many concurrent SMTP connections\r\n' }],
    [
      "Postfix's 421 at the greeting",
      'greeting',
      { hangUp: '421 4.7.0 raw.test Error: too many connections from 127.0.0.1\r\n' },
    ],
    ['a 432 to MAIL FROM', 'mail', '432 4.3.2 Concurrent connections limit exceeded\r\n'],
    ['a 452 4.3.2 to MAIL FROM', 'mail', '452 4.3.2 Too many connections, try again later\r\n'],
    [
      'a 432 to the end of the message',
      'dataEnd',
      '432-4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded\r\n432 4.3.2 Concurrent connections limit exceeded\r\n',
    ],
  ])(
    '%s: the run goes on over the others, says so, and every reader is mailed once at the first attempt',
    async (_name, where, reply) => {
      fixture = await sendFixture(16, { retries: 1 });
      const { server, most } = await cappedServer(where, reply);
      const { code, err } = await run(fixture, server.url());
      const expected = await eligible(fixture);
      expect(code, err).toBe(0);
      expect(err).toMatch(
        /allows fewer connections at once \(4\d\d[ -]4\.\d\.\d [^)]*\): sending over \d connections?, and one more after 5 min without such a reply/,
      );
      // Once a run, however many connections the server turned away.
      expect(err.match(/allows fewer connections at once/g)).toHaveLength(1);
      const taken = server.messages.filter((m) => m.accepted).map((m) => m.to[0]);
      expect(taken.sort()).toEqual(expected);
      expect(ledger(fixture)).toEqual(expected.map((email) => ({ email, status: 'sent', attempts: 1 })));
      expect(most()).toBeLessThanOrEqual(ALLOWED);
    },
    20_000,
  );
});

describe('what counts as a limit on connections', () => {
  it.each([
    [432, '432 4.3.2 Concurrent connections limit exceeded'],
    [421, '421 4.7.0 Too many concurrent SMTP connections'],
    [421, '421 4.7.0 mx.example.com Error: too many connections from 192.0.2.1'],
    [452, '452 4.3.2 Too many connections'],
    [
      421,
      '421 4.3.2 The maximum number of concurrent server connections has exceeded a limit, closing transmission channel',
    ],
    [432, '432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded'],
    [451, '451 Connection limit reached for this account'],
  ])('%s "%s" is one, and throttling', (code, reply) => {
    expect(isConnectionLimit(code, reply)).toBe(true);
    expect(isThrottling(classifyFailure({ responseCode: code, response: reply, command: 'MAIL FROM' }))).toBe(true);
  });

  it.each([
    [550, '550 5.7.1 Too many connections'],
    [451, '451 4.7.1 Greylisted, try again in 5 minutes'],
    [452, '452 4.2.2 Mailbox full'],
    [421, '421 4.4.2 Connection timed out'],
    [452, '452 4.5.3 Too many recipients'],
    [450, '450 4.1.1 <too.many.connections@example.com>: Recipient address rejected'],
  ])('%s "%s" is not', (code, reply) => {
    expect(isConnectionLimit(code, reply)).toBe(false);
  });

  it.each([
    [450, '450 4.2.1 <reader@example.com>: Mailbox busy, too many concurrent connections to it'],
    [452, '452 4.2.2 Mailbox over quota: connection limit for this mailbox'],
    [451, '451 4.1.1 Recipient lookup: too many connections to the directory'],
    [432, '432 4.3.2 STOREDRV.Deliver; recipient thread limit exceeded'],
  ])('%s "%s" is about the reader\'s mailbox: neither a limit on connections nor throttling', (code, reply) => {
    expect(isConnectionLimit(code, reply)).toBe(false);
    expect(isThrottling(classifyFailure({ responseCode: code, response: reply, command: 'RCPT TO' }))).toBe(false);
  });
});
