import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, type RawServerOptions, startRawServer } from './_raw-smtp.js';

/**
 * A connection broken at each point of a message's session, as the README says: before the final
 * dot the message is sent again in the run; after it and before its reply the reader is deferred
 * ("may have been delivered") and the next run sends it; after its 250 it is sent. Nobody is lost,
 * and nobody gets a second copy within a run.
 */

const opened = useSendFixture<RawServer>();

async function send(f: SendFixture, url: string) {
  const streams = captureStreams();
  const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--json'], {
    cwd: f.dir,
    env: sendEnv(url),
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, report: JSON.parse(streams.out) };
}

function statuses(f: SendFixture): Record<string, string> {
  const db = openStateDb(`${f.dir}/.rolecast/state.db`);
  try {
    const rows = db.prepare('SELECT email, status FROM deliveries').all() as { email: string; status: string }[];
    return Object.fromEntries(rows.map((row) => [row.email, row.status]));
  } finally {
    db.close();
  }
}

const RCPT = /^RCPT TO:<([^>]*)>/i;

describe('a connection that breaks', () => {
  it.each<[string, 'sent' | 'deferred', (broken: string) => RawServerOptions]>([
    [
      'right after its 250 to RCPT TO',
      'sent',
      (broken) => ({
        command: (line) => (RCPT.exec(line)?.[1] === broken ? { hangUp: '250 2.1.5 ok\r\n' } : undefined),
      }),
    ],
    [
      'with a 421 in place of the 354 to DATA',
      'sent',
      (broken) => ({
        command: (line, session) =>
          /^DATA/i.test(line) && session.to[0] === broken ? { hangUp: '421 4.3.0 shutting down\r\n' } : undefined,
      }),
    ],
    [
      'right after the final dot, before its reply',
      'deferred',
      (broken) => ({ dataEnd: (_session, message) => (message.to[0] === broken ? 'drop' : undefined) }),
    ],
    [
      'right after its 250 to the final dot, before QUIT',
      'sent',
      (broken) => ({
        dataEnd: (_session, message) => (message.to[0] === broken ? { hangUp: '250 2.0.0 queued\r\n' } : undefined),
      }),
    ],
  ])('%s: that reader ends %s, and a re-run completes the list', async (_name, first, behaviour) => {
    opened.fixture = await sendFixture(10, { concurrency: 2 });
    const expected = await eligible(opened.fixture);
    const broken = expected[2]!;
    // Breaks only the first time: the re-run finds a server that behaves.
    let once = false;
    const options = behaviour(broken);
    const onlyOnce = <T extends unknown[], R>(hook: ((...args: T) => R) | undefined) =>
      hook &&
      ((...args: T) => {
        const answer = hook(...args);
        if (answer === undefined || once) return undefined as R;
        once = true;
        return answer;
      });
    opened.server = await startRawServer({ command: onlyOnce(options.command), dataEnd: onlyOnce(options.dataEnd) });

    const { report } = await send(opened.fixture, opened.server.url());
    expect(report.total).toMatchObject({ failed: 0, pending: 0, deferred: first === 'deferred' ? 1 : 0 });
    expect(statuses(opened.fixture)[broken]).toBe(first);
    if (first === 'deferred') expect(report.failures[0].response).toMatch(/may have been delivered/);
    const copies = (to: string) => opened.server!.messages.filter((m) => m.to[0] === to).length;
    for (const email of expected) expect(copies(email), email).toBe(1);

    const again = await send(opened.fixture, opened.server.url());
    expect(again.code).toBe(0);
    expect(Object.values(statuses(opened.fixture)).every((status) => status === 'sent')).toBe(true);
    // The reader deferred as "may have been delivered" gets the message again: at least once.
    for (const email of expected) expect(copies(email), email).toBe(email === broken && first === 'deferred' ? 2 : 1);
  });
});
