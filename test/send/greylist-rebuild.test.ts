import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/send/rate-limit.js';
import { createRateLimiter } from '../../src/send/rate-limit.js';
import { runDeliveries, type SendJob } from '../../src/send/run.js';
import type { MailTransport } from '../../src/send/transport.js';
import { createVariantUses } from '../../src/send/variant-uses.js';

/**
 * A greylisted reader waits minutes for their next try without their built message: it is built
 * again at that try. A list the server greylists whole would otherwise hold every reader's message
 * in memory for the greylisting delay.
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

describe('a greylisted reader set aside', () => {
  it('is built again for the next try, the first message let go, and mailed once', async () => {
    const builds = new Map<string, number>();
    const done: string[] = [];
    const jobs: SendJob[] = ['a@example.test', 'b@example.test', 'c@example.test'].map((email, i) => ({
      email,
      variantId: 'cto',
      messageId: `<${i}@example.test>`,
      build: () => {
        const serial = (builds.get(email) ?? 0) + 1;
        builds.set(email, serial);
        return { envelope: { from: 'digest@example.test', to: [email] }, raw: 'x', serial } as never;
      },
      done: () => done.push(email),
    }));
    const tried = new Set<string>();
    const accepted: { to: string; serial: number }[] = [];
    const transport: MailTransport = {
      kind: 'smtp',
      destination: 'smtp://test',
      verify: async () => {},
      async send(mail) {
        const to = String((mail.envelope as { to: string[] }).to[0]);
        if (!tried.has(to)) {
          tried.add(to);
          throw Object.assign(new Error('greylisted'), {
            responseCode: 450,
            response: `450 4.2.0 <${to}>: Recipient address rejected: Greylisted`,
            command: 'RCPT TO',
          });
        }
        accepted.push({ to, serial: (mail as { serial: number }).serial });
        return { response: '250 OK' };
      },
      close: async () => {},
    };
    const rows: { email: string; status: string }[] = [];
    const result = await runDeliveries(jobs, {
      transport,
      ledger: { recordMany: (entries) => void rows.push(...entries) },
      limiter: createRateLimiter(0),
      concurrency: 2,
      retries: 2,
      retryBaseMs: 10,
      greylistRetryMs: 60_000,
      clock: clock(),
    });
    expect(result.greylisted).toBe(3);
    expect(done.sort()).toEqual(['a@example.test', 'b@example.test', 'c@example.test']);
    // The message that went out is the one built for the retry, not the first one kept in memory.
    expect(accepted.sort((x, y) => x.to.localeCompare(y.to))).toEqual([
      { to: 'a@example.test', serial: 2 },
      { to: 'b@example.test', serial: 2 },
      { to: 'c@example.test', serial: 2 },
    ]);
    expect(rows.map((row) => row.status)).toEqual(['sent', 'sent', 'sent']);
  });
});

describe('the variants a send still needs', () => {
  it('keeps a variant until its last reader is done with, a reader waiting to be built again included', () => {
    const released: string[] = [];
    const uses = createVariantUses(new Map([['cto', 2]]), (id) => released.push(id));
    expect(uses.lastFirstBuild('cto')).toBe(false);
    uses.built('cto');
    uses.finished('cto');
    expect(uses.lastFirstBuild('cto')).toBe(true);
    // The last reader's first build: greylisted after it, they are built again minutes later.
    uses.built('cto');
    expect(released).toEqual([]);
    uses.finished('cto');
    expect(released).toEqual(['cto']);
  });

  it('lets a variant go when its last reader is skipped', () => {
    const released: string[] = [];
    const uses = createVariantUses(new Map([['cto', 2]]), (id) => released.push(id));
    uses.built('cto');
    uses.skipped('cto');
    expect(released).toEqual([]);
    uses.finished('cto');
    expect(released).toEqual(['cto']);
  });
});
