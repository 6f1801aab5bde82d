import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalAddress } from '../../src/address.js';
import { openStateDb } from '../../src/send/index.js';
import { stateSuppressionList } from '../../src/serve/suppressions.js';
import { perTest } from '../helpers/per-test.js';
import { type SmtpServerOptions, startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { startOneConnectionWorker } from './workers/_stopped-worker.js';

/**
 * `rolecast send` whose third reader's RCPT TO the server answers only seconds later, while that
 * reader unsubscribes through `serve`: whatever the server offers (PIPELINING, 8BITMIME), with
 * DKIM signing or a pace, the message goes out over a connection whose data waits for a fresh look
 * at the list, so the reader who left is not mailed and everyone else is, once.
 */
describe('a reader who unsubscribes while the server holds the answer to their RCPT TO', () => {
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  const unsubscribe = (f: SendFixture, email: string) => {
    const db = openStateDb(`${f.dir}/.rolecast/state.db`);
    try {
      return stateSuppressionList(db).add(email, { reason: 'unsubscribe', source: 'one-click' });
    } finally {
      db.close();
    }
  };

  const heldThird = async (
    server: SmtpServerOptions,
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
    const smtp = await startSmtpServer({
      ...server,
      faults: {
        holdRcpt: (rcpt, to) => {
          if (rcpt !== 3) return undefined;
          heldAt = canonicalAddress(to);
          return released;
        },
      },
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
    const mailed = (await smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
    return { heldAt: heldAt!, mailed, code, stderr: worker.stderr };
  };

  const plain = async () => ({});
  const dkim = async (f: SendFixture) => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const keyFile = await f.temp.write('dkim.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    return { ROLECAST_DKIM_KEY_FILE: keyFile, ROLECAST_DKIM_DOMAIN: 'rolecast.example', ROLECAST_DKIM_SELECTOR: 'rc1' };
  };

  for (const [how, server, envOf, extra] of [
    ['a server offering PIPELINING and 8BITMIME', {}, plain, []],
    ['a server offering neither PIPELINING nor 8BITMIME', { eightBitMime: false }, plain, []],
    ['a send signing with DKIM', {}, dkim, []],
    ['a paced send (--rate 5)', {}, plain, ['--rate', '5']],
  ] as const)
    it(`is not mailed by ${how}; the others are, once each`, async () => {
      const run = await heldThird(server, envOf, [...extra]);
      expect(run.mailed, run.stderr).not.toContain(run.heldAt);
      expect(run.mailed.length).toBeGreaterThan(0);
      expect(new Set(run.mailed).size).toBe(run.mailed.length);
      expect(run.code, run.stderr).toBe(0);
    }, 120_000);
});
