import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalAddress } from '../../src/address.js';
import { openStateDb } from '../../src/send/index.js';
import { stateSuppressionList } from '../../src/serve/suppressions.js';
import { perTest } from '../helpers/per-test.js';
import { type SmtpServerOptions, startSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { startRawServer } from './_raw-smtp.js';
import { startOneConnectionWorker } from './workers/_stopped-worker.js';

/**
 * `rolecast send` whose third reader's RCPT TO the server answers only seconds later, while that
 * reader unsubscribes through `serve`: whatever the server offers (PIPELINING, 8BITMIME, or nothing past HELO), with
 * DKIM signing or a pace, the message goes out over a connection whose data waits for a fresh look
 * at the list, so the reader who left is not mailed and everyone else is, once.
 */
/** Told of each RCPT TO (1-based); the promise it returns holds that reply until it settles. */
type Hold = (rcpt: number, to: string) => Promise<void> | undefined;

interface HoldingServer {
  url(): string;
  /** The recipients of every message the server took, once per message. */
  mailed(): Promise<string[]>;
  close(): Promise<void>;
}

const RCPT = /^RCPT TO:<([^>]*)>/i;

describe('a reader who unsubscribes while the server holds the answer to their RCPT TO', () => {
  const opened = perTest<{ smtp: HoldingServer; fixture: SendFixture }>(['smtp', 'fixture']);

  const unsubscribe = (f: SendFixture, email: string) => {
    const db = openStateDb(`${f.dir}/.rolecast/state.db`);
    try {
      return stateSuppressionList(db).add(email, { reason: 'unsubscribe', source: 'one-click' });
    } finally {
      db.close();
    }
  };

  const heldThird = async (
    serverOf: (hold: Hold) => Promise<HoldingServer>,
    envOf: (f: SendFixture) => Promise<NodeJS.ProcessEnv>,
    args: string[] = [],
  ) => {
    const f = await sendFixture(12);
    opened.fixture = f;
    const env = await envOf(f);
    let heldAt: string | undefined;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const smtp = await serverOf((rcpt, to) => {
      if (rcpt !== 3) return undefined;
      heldAt = canonicalAddress(to);
      return released;
    });
    opened.smtp = smtp;
    const worker = startOneConnectionWorker(f, { ...sendEnv(smtp.url()), ...env }, args);
    try {
      await expect.poll(() => heldAt, { timeout: 60_000 }).toBeDefined();
      const since = Date.now();
      expect(await unsubscribe(f, heldAt!)).toBe('added');
      // Held past the second a look is good for.
      await expect.poll(() => Date.now() - since, { timeout: 10_000, interval: 100 }).toBeGreaterThan(2500);
    } finally {
      release();
    }
    const code = await worker.exited;
    const mailed = (await smtp.mailed()).map(canonicalAddress);
    return { heldAt: heldAt!, mailed, code, stderr: worker.stderr };
  };

  const smtpServer =
    (options: SmtpServerOptions = {}) =>
    async (hold: Hold): Promise<HoldingServer> => {
      const server = await startSmtpServer({ ...options, faults: { holdRcpt: hold } });
      return {
        url: () => server.url(),
        mailed: async () => (await server.messages()).flatMap((m) => m.envelope.to),
        close: () => server.close(),
      };
    };
  // No EHLO, so no PIPELINING, 8BITMIME or SIZE: each command waits for its reply.
  const heloOnly = async (hold: Hold): Promise<HoldingServer> => {
    let rcpts = 0;
    const server = await startRawServer({
      command: (line, session) => {
        if (/^EHLO/i.test(line)) return '502 5.5.2 Error: command not recognized\r\n';
        const to = RCPT.exec(line)?.[1];
        if (to === undefined) return undefined;
        session.to.push(to);
        const held = hold(++rcpts, to);
        if (!held) return '250 2.1.5 ok\r\n';
        void held.then(() => session.write('250 2.1.5 ok\r\n'));
        return null;
      },
    });
    return {
      url: () => server.url(),
      mailed: async () => server.messages.filter((m) => m.accepted).flatMap((m) => m.to),
      close: () => server.close(),
    };
  };

  const plain = async () => ({});
  const dkim = async (f: SendFixture) => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const keyFile = await f.temp.write('dkim.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    return { ROLECAST_DKIM_KEY_FILE: keyFile, ROLECAST_DKIM_DOMAIN: 'rolecast.example', ROLECAST_DKIM_SELECTOR: 'rc1' };
  };

  for (const [how, server, envOf, extra] of [
    ['a server offering PIPELINING and 8BITMIME', smtpServer(), plain, []],
    ['a server offering neither PIPELINING nor 8BITMIME', smtpServer({ eightBitMime: false }), plain, []],
    ['a server greeted with HELO, offering no extension at all', heloOnly, plain, []],
    ['a send signing with DKIM', smtpServer(), dkim, []],
    ['a paced send (--rate 5)', smtpServer(), plain, ['--rate', '5']],
  ] as const)
    it(`is not mailed by ${how}; the others are, once each`, async () => {
      const run = await heldThird(server, envOf, [...extra]);
      expect(run.mailed, run.stderr).not.toContain(run.heldAt);
      expect(run.mailed.length).toBeGreaterThan(0);
      expect(new Set(run.mailed).size).toBe(run.mailed.length);
      expect(run.code, run.stderr).toBe(0);
    }, 120_000);
});
