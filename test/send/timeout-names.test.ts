import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb } from '../../src/send/index.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, type RawServerOptions, startRawServer } from './_raw-smtp.js';

/**
 * A wait that runs out is named in what the user reads and in the ledger: which wait, how long, and
 * the setting that sets it, not nodemailer's bare "Timeout".
 */

const opened = useSendFixture<RawServer>();

async function run(send: Record<string, number>, options: RawServerOptions) {
  opened.fixture = await sendFixture(4, { concurrency: 1, retries: 0, ...send });
  opened.server = await startRawServer(options);
  const streams = captureStreams();
  const code = await main(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
    cwd: opened.fixture.dir,
    env: sendEnv(opened.server.url()),
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  const db = openStateDb(`${opened.fixture.dir}/.rolecast/state.db`);
  try {
    const responses = (db.prepare('SELECT response FROM deliveries').all() as { response: string }[]).map(
      (row) => row.response,
    );
    return { code, out: streams.out + streams.err, responses };
  } finally {
    db.close();
  }
}

describe('a wait for the SMTP server that runs out', () => {
  it('for the greeting: the command says which wait ran out, how long it was and its setting', async () => {
    const { code, out } = await run({ greetingTimeoutMs: 300 }, { greeting: () => null });
    expect(code).toBe(2);
    expect(out).toContain('the SMTP server sent no greeting within 300 ms (send.greetingTimeoutMs)');
  });

  it('for a reply to a command: the report and the ledger name send.socketTimeoutMs', async () => {
    const { code, out, responses } = await run(
      { socketTimeoutMs: 300 },
      { command: (line) => (/^MAIL/i.test(line) ? null : undefined) },
    );
    expect(code).toBe(3);
    expect(out).toContain('no reply from the SMTP server within 300 ms (send.socketTimeoutMs)');
    expect(responses.length).toBeGreaterThan(0);
    for (const response of responses) expect(response).toContain('(send.socketTimeoutMs)');
  });

  it('for the reply to the end of a message: the deferred reader names send.finalReplyTimeoutMs', async () => {
    let messages = 0;
    const { out, responses } = await run(
      { socketTimeoutMs: 5_000, finalReplyTimeoutMs: 400 },
      { dataEnd: () => (++messages === 1 ? null : undefined) },
    );
    expect(out).toContain('no reply to the end of the message within 400 ms (send.finalReplyTimeoutMs)');
    expect(responses.filter((response) => response.includes('send.finalReplyTimeoutMs'))).toHaveLength(1);
  });
});
