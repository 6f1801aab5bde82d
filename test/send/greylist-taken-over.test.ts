import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/send/ledger.js';
import { type Clock, createRateLimiter } from '../../src/send/rate-limit.js';
import { type LedgerWriter, runDeliveries, type SendJob } from '../../src/send/run.js';
import type { MailTransport } from '../../src/send/transport.js';

/**
 * A greylisted reader comes back minutes after the first try. With send workers, another worker may
 * hold that reader by then (this one's lease ran out: a suspended machine, a database out of reach)
 * and have mailed them: the reader is not tried again here, and nothing is recorded for them.
 */

function clock(): Clock {
  let time = 0;
  return {
    now: () => time,
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      time += ms;
    },
  };
}

function greylistedOnce() {
  const calls: string[] = [];
  const transport: MailTransport = {
    kind: 'smtp',
    destination: 'smtp://test',
    verify: async () => {},
    async send(mail) {
      const to = String((mail.envelope as { to: string[] }).to[0]);
      calls.push(to);
      if (calls.filter((c) => c === to).length === 1)
        throw Object.assign(new Error('450 4.2.0 Greylisted'), {
          responseCode: 450,
          response: `450 4.2.0 <${to}>: Recipient address rejected: Greylisted`,
          command: 'RCPT TO',
        });
      return { response: '250 OK' };
    },
    close: async () => {},
  };
  return { transport, calls };
}

describe('a greylisted reader another worker took over while it waited', () => {
  it('is not mailed again by this run, nor recorded by it; the others are mailed once', async () => {
    const rows: Omit<DeliveryRecord, 'updatedAt'>[] = [];
    const ledger: LedgerWriter = { recordMany: (entries) => void rows.push(...entries) };
    const { transport, calls } = greylistedOnce();
    // The lease on r0 is lost as soon as it was first tried: the retry would be a second copy.
    const lost = new Set<string>();
    const jobs: SendJob[] = ['r0@example.test', 'r1@example.test'].map((email, i) => ({
      email,
      variantId: 'cto',
      messageId: `<${i}@example.test>`,
      build: () => ({ envelope: { from: 'digest@example.test', to: [email] }, raw: 'x' }),
      stillOurs: () => !lost.has(email),
    }));
    const send = transport.send.bind(transport);
    transport.send = async (mail, gate) => {
      try {
        return await send(mail, gate);
      } finally {
        lost.add('r0@example.test');
      }
    };
    const result = await runDeliveries(jobs, {
      transport,
      ledger,
      limiter: createRateLimiter(0),
      concurrency: 1,
      retries: 3,
      retryBaseMs: 1000,
      greylistRetryMs: 360_000,
      clock: clock(),
      random: () => 0.5,
    });
    expect(calls.filter((to) => to === 'r0@example.test')).toHaveLength(1);
    expect(rows.map((row) => [row.email, row.status])).toEqual([['r1@example.test', 'sent']]);
    expect(result.greylisted).toBe(2);
  });
});
