import { expect, it } from 'vitest';
import { watchSuppressions } from '../../src/send/late-suppressions.js';
import { createRateLimiter } from '../../src/send/rate-limit.js';
import { type LedgerWriter, runDeliveries, type SendJob } from '../../src/send/run.js';
import type { MailTransport } from '../../src/send/transport.js';
import type { LedgerEntry, Suppressions } from '../../src/state/contract.js';

/**
 * On PostgreSQL a message whose look at the suppression list fails waits for it (up to minutes).
 * Once the run stops for another reason meanwhile (here the server refusing the account), that
 * wait ends at once: the message stays unsent and unrecorded, and the run does not hang on.
 */
it('a run that stops ends the wait of a message held for its look, leaving it unsent', async () => {
  const failing: { query?: boolean; looks: number } = { looks: 0 };
  const store = {
    addedSince: async () => {
      if (failing.query) {
        failing.looks++;
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      }
      return { cursor: '1', added: [] };
    },
    applyJournal: async () => ({ read: 0, added: 0, unreadable: 0 }),
  } as unknown as Suppressions;
  const late = watchSuppressions(store, '0', { everyMs: 60_000, patienceMs: 60_000, log: () => {} });
  let bTries = 0;
  const transport: MailTransport = {
    kind: 'smtp',
    destination: 'test',
    verify: async () => {},
    async send(mail) {
      const to = String((mail.envelope as { to: string[] }).to[0]);
      if (to === 'b@example.com') {
        // Tried again after a moment: its next look finds the database gone.
        bTries++;
        failing.query = true;
        throw Object.assign(new Error('451 4.3.0 try again'), { code: 'EENVELOPE', responseCode: 451 });
      }
      // The account refused once b waits for its look: the run stops.
      while (failing.looks === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      throw Object.assign(new Error('535 5.7.8 authentication failed'), { code: 'EAUTH', responseCode: 535 });
    },
    close: async () => {},
  };
  const rows: LedgerEntry[] = [];
  const ledger: LedgerWriter = { recordMany: (entries) => void rows.push(...entries) };
  const jobs: SendJob[] = ['a', 'b'].map((name) => {
    const email = `${name}@example.com`;
    return {
      email,
      variantId: 'v',
      messageId: `<${name}@test>`,
      build: () => ({ envelope: { from: 'news@example.com', to: [email] }, raw: 'x' }),
      suppressedSince: () => late.reason(email),
    };
  });
  const started = performance.now();
  const result = await runDeliveries(jobs, {
    transport,
    ledger,
    limiter: createRateLimiter(0),
    concurrency: 2,
    retries: 3,
    retryBaseMs: 1,
    confirmSuppressions: late.confirm,
  });
  late.stop();
  expect(performance.now() - started).toBeLessThan(10_000);
  expect(result.aborted).toMatch(/authentication failed/);
  expect(bTries).toBe(1);
  // b was not started again: not recorded as sent, left for the next run.
  expect(rows.filter((row) => row.status === 'sent')).toEqual([]);
}, 30_000);
