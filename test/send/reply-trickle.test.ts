import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, type RawServerOptions, type RawSession, startRawServer } from './_raw-smtp.js';

/**
 * A server that begins a reply and then sends it a byte at a time, never ending the line, is never
 * silent long enough for the socket's idle limit: a reply begun must end within send.socketTimeoutMs.
 */

let fixture: SendFixture | undefined;
let server: RawServer | undefined;
const trickles = new Set<NodeJS.Timeout>();
afterEach(async () => {
  for (const timer of trickles) clearInterval(timer);
  trickles.clear();
  await server?.close();
  server = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

/** Writes "250 " and then one more byte every 40 ms, never a line end, until the connection goes. */
function trickle(session: RawSession): null {
  session.write('250');
  const timer = setInterval(() => {
    if (session.socket.destroyed) return clearInterval(timer);
    session.write(' ');
  }, 40);
  trickles.add(timer);
  return null;
}

async function run(options: RawServerOptions) {
  fixture = await sendFixture(3, { concurrency: 1, retries: 0, socketTimeoutMs: 400 });
  server = await startRawServer(options);
  const streams = captureStreams();
  const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
    cwd: fixture.dir,
    env: sendEnv(server.url()),
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  const db = openStateDb(`${fixture.dir}/.rolecast/state.db`);
  try {
    const rows = db.prepare('SELECT status, response FROM deliveries').all() as { status: string; response: string }[];
    return { code, out: streams.out + streams.err, rows };
  } finally {
    db.close();
  }
}

describe('a reply the server begins and never ends', () => {
  it('to the end of a message: the wait is named with its setting and the reader may have been delivered', async () => {
    let ended = 0;
    const { code, out, rows } = await run({ dataEnd: (session) => (++ended === 1 ? trickle(session) : undefined) });
    expect(code).toBe(3);
    expect(out).toContain(
      'the SMTP server began a reply to the end of the message and did not finish it within 400 ms (send.socketTimeoutMs)',
    );
    expect(out).toContain('may have been delivered');
    const deferred = rows.filter((row) => row.status === 'deferred');
    expect(deferred).toHaveLength(1);
    expect(deferred[0]!.response).toContain('(send.socketTimeoutMs)');
    // The others went on a new connection, each once.
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(rows.length - 1);
    expect(server!.messages.map((m) => m.to[0]).sort()).toEqual(
      [...new Set(server!.messages.map((m) => m.to[0]))].sort(),
    );
  }, 15_000);

  it('to MAIL FROM: nothing was sent, and the wait is named with its setting', async () => {
    const { code, out, rows } = await run({
      command: (line, session) => (/^MAIL/i.test(line) ? trickle(session) : undefined),
    });
    expect(code).not.toBe(0);
    expect(out).toContain('the SMTP server began a reply and did not finish it within 400 ms (send.socketTimeoutMs)');
    expect(server!.messages).toHaveLength(0);
    expect(rows.some((row) => row.status === 'sent')).toBe(false);
  }, 15_000);
});
