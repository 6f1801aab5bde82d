import { describe, expect, it } from 'vitest';
import { singleMessageTransport } from '../../src/send/single-transport.js';
import { perTest } from '../helpers/per-test.js';
import { captureStreams } from '../helpers/project.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { type RawAnswer, type RawServer, startRawServer } from './_raw-smtp.js';

/**
 * A test send and the mails of `serve` go through nodemailer's own pool, which takes any 2xx to the
 * end of a message for an acceptance and reads only the first line's code. Only a 250 whose lines
 * all say 250 takes a message, there as over the wire pool of a send.
 */

const opened = perTest<{ server: RawServer; fixture: SendFixture }>(['server', 'fixture']);

/** A one-reader project and a server answering the end of every message with `reply`. */
async function open(reply: RawAnswer, settings: Record<string, number> = {}) {
  opened.fixture = await sendFixture(1, settings);
  opened.server = await startRawServer({ dataEnd: () => reply });
  return { fixture: opened.fixture, server: opened.server };
}

const NOT_TAKEN: [string, RawAnswer][] = [
  ['a 221 of a server closing', { hangUp: '221 2.0.0 Bye\r\n' }],
  ['a 220 greeting of a server that restarted behind a proxy', '220 raw.test ESMTP ready\r\n'],
  ['a 252', '252 2.0.0 Cannot verify\r\n'],
  ['a 250 line then a 550', '250-2.0.0 queued\r\n550 5.7.1 Message refused\r\n'],
];

describe('a reply to the end of a message over nodemailer’s pool that does not take it', () => {
  it.each(NOT_TAKEN)(
    "%s: a confirmation mail of serve's is not taken for sent",
    async (_name, reply) => {
      const { fixture, server } = await open(reply);
      const { config } = await fixture.load();
      const transport = singleMessageTransport(config, server.url(), undefined, 'readers', fixture.dir);
      const mail = { from: 'news@example.test', to: 'reader@example.test', subject: 'Confirm', text: 'Confirm.' };
      const sent = await transport.send(mail).catch((error: unknown) => error);
      await transport.close();
      expect(sent).toBeInstanceOf(Error);
      expect((sent as Error).message).toContain('out of step');
      expect(server.messages).toHaveLength(1);
    },
    60_000,
  );

  it.each(NOT_TAKEN)(
    '%s: a test send reports the message failed, not sent',
    async (_name, reply) => {
      const { fixture, server } = await open(reply, { retries: 0 });
      const { main } = await import('../../src/cli/main.js');
      const streams = captureStreams();
      const code = await main(
        ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--test', 'me@example.test', '--json'],
        {
          cwd: fixture.dir,
          env: sendEnv(server.url()),
          stdout: streams.stdout,
          stderr: streams.stderr,
          signal: new AbortController().signal,
        },
      );
      const report = JSON.parse(streams.out);
      expect(code).not.toBe(0);
      expect(report.total).toMatchObject({ sent: 0 });
      expect(report.failures[0]?.response).toMatch(/it may have been delivered/);
    },
    60_000,
  );
});
