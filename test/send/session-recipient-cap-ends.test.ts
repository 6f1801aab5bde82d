import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, type RawSession, startRawServer } from './_raw-smtp.js';

/**
 * "452 4.5.3 Too many recipients" read as a cap on a connection's messages never keeps a run
 * going: whatever the server does with it, every reader ends sent, deferred or failed, each mailed
 * at most once, and the command ends.
 */

const opened = useSendFixture<RawServer>();

const TOO_MANY = '452 4.5.3 Too many recipients\r\n';

async function send(refuse: (session: RawSession, taken: number) => boolean) {
  opened.fixture = await sendFixture(10, { concurrency: 2, retries: 1 });
  let taken = 0;
  opened.server = await startRawServer({
    command: (line, session) => (/^RCPT TO/i.test(line) && refuse(session, taken) ? TOO_MANY : undefined),
    dataEnd: () => {
      taken++;
      return undefined;
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
  const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
  try {
    const rows = db.prepare('SELECT email, status FROM deliveries').all() as { email: string; status: string }[];
    const accepted = opened.server.messages.filter((m) => m.accepted).map((m) => m.to[0]!);
    return { code, err: streams.err, rows, accepted, expected: await eligible(opened.fixture) };
  } finally {
    db.close();
  }
}

describe('a server answering "452 4.5.3 Too many recipients"', () => {
  it('to the first recipient of every connection: every reader deferred, the run ends', async () => {
    const { code, rows, accepted, expected } = await send(() => true);
    expect(code).toBe(3);
    expect(accepted).toEqual([]);
    expect(rows).toHaveLength(expected.length);
    expect(rows.every((row) => row.status === 'deferred')).toBe(true);
    expect(opened.server!.connections()).toBeLessThan(10 * expected.length);
  }, 60_000);

  it('past one message on each connection: every reader mailed once', async () => {
    const { code, err, rows, accepted, expected } = await send((session) => session.messages >= 1);
    expect(code, err).toBe(0);
    expect(accepted.sort()).toEqual(expected);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
    expect(err).toMatch(/takes at most 1 message/);
  }, 60_000);

  it('to every recipient once three messages went out, on any connection: the rest deferred, none twice', async () => {
    const { code, rows, accepted, expected } = await send((_session, taken) => taken >= 3);
    expect(code).toBe(3);
    // Two connections: a message past its RCPT TO as the third went out is taken too.
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    expect(accepted.length).toBeLessThan(expected.length);
    expect(new Set(accepted).size).toBe(accepted.length);
    expect(rows).toHaveLength(expected.length);
    const sent = rows.filter((row) => row.status === 'sent').map((row) => row.email);
    expect(sent.sort()).toEqual([...accepted].sort());
    expect(rows.every((row) => row.status === 'sent' || row.status === 'deferred')).toBe(true);
  }, 60_000);
});
