import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/send/ledger.js';
import { type Clock, createRateLimiter } from '../../src/send/rate-limit.js';
import { type LedgerWriter, runDeliveries, type SendJob } from '../../src/send/run.js';
import type { MailTransport } from '../../src/send/transport.js';

/** A reader who unsubscribes while greylisted waits out the delay is not mailed by the next try, nor recorded. */
describe('a greylisted reader suppressed during the wait', () => {
  it('is counted suppressed, never tried again; the other reader is mailed once', async () => {
    let time = 0;
    const suppressed = new Set<string>();
    const clock: Clock = {
      now: () => time,
      async sleep(ms, signal) {
        signal?.throwIfAborted();
        // The reader unsubscribes while the run waits for the greylisting delay.
        suppressed.add('r0@example.test');
        time += ms;
      },
    };
    const calls: string[] = [];
    const transport: MailTransport = {
      kind: 'smtp',
      destination: 'smtp://test',
      verify: async () => {},
      async send(mail) {
        const to = String((mail.envelope as { to: string[] }).to[0]);
        calls.push(to);
        if (to === 'r0@example.test')
          throw Object.assign(new Error('451'), {
            responseCode: 451,
            response: '451 4.7.1 Please try again later',
            command: 'RCPT TO',
          });
        return { response: '250 OK' };
      },
      close: async () => {},
    };
    const rows: Omit<DeliveryRecord, 'updatedAt'>[] = [];
    const ledger: LedgerWriter = { recordMany: (entries) => void rows.push(...entries) };
    const jobs: SendJob[] = ['r0@example.test', 'r1@example.test'].map((email, i) => ({
      email,
      variantId: 'cto',
      messageId: `<${i}@example.test>`,
      build: () => ({ envelope: { from: 'digest@example.test', to: [email] }, raw: 'x' }),
      suppressedSince: () => (suppressed.has(email) ? 'unsubscribe' : undefined),
    }));
    const skipped: string[] = [];
    const result = await runDeliveries(jobs, {
      transport,
      ledger,
      limiter: createRateLimiter(0),
      concurrency: 1,
      retries: 3,
      retryBaseMs: 1000,
      greylistRetryMs: 360_000,
      clock,
      random: () => 0.5,
      onSuppressed: (job, reason) => skipped.push(`${job.email} ${reason}`),
    });
    expect(calls).toEqual(['r0@example.test', 'r1@example.test']);
    expect(skipped).toEqual(['r0@example.test unsubscribe']);
    expect(rows.map((row) => [row.email, row.status])).toEqual([['r1@example.test', 'sent']]);
    expect(result.greylisted).toBe(1);
  });
});
