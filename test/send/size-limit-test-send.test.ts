import { describe, expect, it } from 'vitest';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { sendEnv, sendFixture } from './_fixture.js';
import { type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A test send goes through nodemailer's own pool, not the send's: a server that announces a SIZE
 * (RFC 1870) smaller than the message must not be sent it there either. The message is refused
 * before MAIL FROM, named as the send names it; one within the limit is sent with its SIZE=.
 */

const opened = useSendFixture<RawServer>();

async function testSend(size: number) {
  opened.fixture = await sendFixture(1, { retries: 0 });
  opened.server = await startRawServer({ ehlo: () => `250-raw.test\r\n250-PIPELINING\r\n250 SIZE ${size}\r\n` });
  const { main } = await import('../../src/cli/main.js');
  const streams = captureStreams();
  const code = await main(
    ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--test', 'me@example.test'],
    {
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    },
  );
  return { code, out: streams.out + streams.err };
}

describe('a test send to a server whose SIZE is smaller than the message', () => {
  it('is refused unsent, with the limit named', async () => {
    const { code, out } = await testSend(1000);
    expect(code).not.toBe(0);
    expect(out).toContain("the message is larger than the SMTP server's SIZE limit of 1000 bytes");
    expect(opened.server!.commands.some((c) => /^(MAIL|RCPT|DATA)/i.test(c))).toBe(false);
    expect(opened.server!.messages).toHaveLength(0);
  }, 60_000);

  it('within the limit, is sent once with its size declared', async () => {
    const { code } = await testSend(10_485_760);
    expect(code).toBe(0);
    const mail = opened.server!.commands.find((c) => /^MAIL/i.test(c));
    const declared = Number(/SIZE=(\d+)/.exec(mail ?? '')?.[1]);
    expect(opened.server!.messages).toHaveLength(1);
    // The size given is that of the message as written, give or take its line ends and dots.
    expect(Math.abs(declared - Buffer.byteLength(opened.server!.messages[0]!.raw, 'utf8'))).toBeLessThan(200);
  }, 60_000);
});
