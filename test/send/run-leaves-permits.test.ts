import { describe, expect, it } from 'vitest';
import { WIRE } from '../../src/send/message.js';
import { createSharedPermits } from '../../src/send/permits.js';
import { createRateLimiter } from '../../src/send/rate-limit.js';
import { runDeliveries, type SendJob } from '../../src/send/run.js';
import { createSmtpTransport, type MailTransport } from '../../src/send/transport.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A run on permits shared with the worker's other batches joins them with the flush of its rows
 * and leaves them when it ends. A run that ended by an error raised while its last refusals were
 * written left that step undone: the permits kept calling a finished run's flush, one more for
 * every such batch of a long-running worker.
 */

const open = perTest<{ transport: MailTransport; server: TestSmtpServer }>(['transport', 'server']);

function job(i: number): SendJob {
  const to = `reader${i}@example.test`;
  return {
    email: to,
    variantId: 'v',
    messageId: `<m${i}@example.test>`,
    build: () =>
      ({
        envelope: { from: 'news@example.test', to: [to] },
        [WIRE]: {
          headers: ['From: news@example.test', `To: ${to}`, `Subject: Issue ${i}`],
          body: [Buffer.from(`Hello reader ${i}.\r\n`)],
          own: new Set<Buffer>(),
        },
      }) as never,
  };
}

describe('a run on shared permits', () => {
  it('leaves them when it ends with an error, as when it ends well', async () => {
    // Both readers refused with the same reply: held as a run of refusals, written as the run ends.
    const server = await startSmtpServer({ faults: { rcptReplies: { 1: 550, 2: 550 } } });
    open.server = server;
    const transport = createSmtpTransport({ url: server.url(), concurrency: 1 });
    open.transport = transport;
    const shared = createSharedPermits(1);
    let joined = 0;
    let left = 0;
    const permits = Object.assign(Object.create(shared), {
      join(flush: () => void) {
        joined++;
        const leave = shared.join(flush);
        return () => {
          left++;
          leave();
        };
      },
    });
    const recorded: string[] = [];
    const run = runDeliveries([job(1), job(2)], {
      transport,
      ledger: { recordMany: (rows) => void recorded.push(...rows.map((row) => row.email)) },
      limiter: createRateLimiter(0),
      concurrency: 1,
      retries: 0,
      retryBaseMs: 1,
      permits,
      onOutcome: () => {
        throw new Error('the report could not take the outcome');
      },
    });
    await expect(run).rejects.toThrow('the report could not take the outcome');
    expect(recorded.sort()).toEqual(['reader1@example.test', 'reader2@example.test']);
    expect({ joined, left }).toEqual({ joined: 1, left: 1 });

    // A run that ends well leaves them too.
    const ends = await runDeliveries([job(3)], {
      transport,
      ledger: { recordMany: () => undefined },
      limiter: createRateLimiter(0),
      concurrency: 1,
      retries: 0,
      retryBaseMs: 1,
      permits,
    });
    expect(ends.halted).toBeUndefined();
    expect({ joined, left }).toEqual({ joined: 2, left: 2 });
  });
});
