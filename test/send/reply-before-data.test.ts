import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A server out of step that sends a 250 with its 354, before any of the message went out: the 250
 * answers something else, and taken for the message's reply it recorded a message the server never
 * had as sent.
 */

const opened = useSendFixture<RawServer>();

describe('a 250 that comes with the 354, before the message was written', () => {
  it('is not taken for the reply to the message: every reader recorded sent was received, each once', async () => {
    opened.fixture = await sendFixture(4, { concurrency: 1, retries: 2 });
    opened.server = await startRawServer({
      command: (line, session) => {
        if (session.connection !== 1 || !/^DATA/i.test(line)) return undefined;
        session.write('354 go ahead\r\n250 2.0.0 queued\r\n');
        return null;
      },
    });
    const streams = captureStreams();
    const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
    const rows = db.prepare('SELECT email, status FROM deliveries').all() as { email: string; status: string }[];
    db.close();
    const received = opened.server.messages.filter((m) => m.accepted).flatMap((m) => m.to);
    expect(
      rows
        .filter((row) => row.status === 'sent')
        .map((row) => row.email)
        .sort(),
    ).toEqual(received.sort());
    expect(new Set(received).size).toBe(received.length);
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
    expect(code).toBe(0);
  }, 20_000);
});
