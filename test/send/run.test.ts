import { describe, expect, it } from 'vitest';
import type { DeliveryRecord } from '../../src/send/ledger.js';
import { type Clock, createRateLimiter } from '../../src/send/rate-limit.js';
import { backoffDelay, classifyFailure } from '../../src/send/retry.js';
import { type LedgerWriter, type RunOptions, runDeliveries, type SendJob } from '../../src/send/run.js';
import type { MailTransport } from '../../src/send/transport.js';

/** The delivery loop against a scripted transport and a clock that only moves when someone sleeps. */

type Recorded = Omit<DeliveryRecord, 'updatedAt'>;

function memoryLedger(options: { failOnWrite?: number } = {}): LedgerWriter & { rows: Recorded[]; batches: number[] } {
  const rows: Recorded[] = [];
  const batches: number[] = [];
  let writes = 0;
  return {
    rows,
    batches,
    async recordMany(entries) {
      // One failed write (a full disk for a moment); the writes after it would succeed.
      if (++writes === options.failOnWrite) throw new Error('disk full');
      batches.push(entries.length);
      rows.push(...entries);
    },
  };
}

/** Each call to send gets the next scripted answer (an error to throw, or acceptance); then acceptance. */
function scriptedTransport(script: (call: number, to: string) => Error | undefined) {
  const calls: string[] = [];
  const transport: MailTransport = {
    kind: 'smtp',
    destination: 'smtp://test',
    verify: async () => {},
    async send(mail) {
      const to = String((mail.envelope as { to: string[] }).to[0]);
      calls.push(to);
      await new Promise((resolve) => setTimeout(resolve, 1));
      const error = script(calls.length, to);
      if (error) throw error;
      return { response: '250 OK' };
    },
    close: async () => {},
  };
  return { transport, calls };
}

function smtpError(responseCode: number, response: string): Error {
  return Object.assign(new Error(response), { responseCode, response });
}

function noReply(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ESOCKET' });
}

function jobs(count: number): SendJob[] {
  return Array.from({ length: count }, (_, i) => {
    const email = `r${i}@example.test`;
    return {
      email,
      variantId: 'cto',
      messageId: `<${i}@example.test>`,
      build: () => ({ envelope: { from: 'digest@example.test', to: [email] }, raw: 'x' }),
    };
  });
}

function sleepyClock(): Clock & { sleeps: number[] } {
  let time = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => time,
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      sleeps.push(ms);
      time += ms;
    },
  };
}

function options(transport: MailTransport, ledger: LedgerWriter, extra: Partial<RunOptions> = {}): RunOptions {
  return {
    transport,
    ledger,
    limiter: createRateLimiter(0),
    concurrency: 1,
    retries: 3,
    retryBaseMs: 1000,
    clock: sleepyClock(),
    random: () => 0.5,
    ...extra,
  };
}

describe('delivery loop', () => {
  it('backs off before retrying a 452 (too many recipients, rate limited), then delivers', async () => {
    const ledger = memoryLedger();
    const clock = sleepyClock();
    const { transport, calls } = scriptedTransport((call) =>
      call <= 2 ? smtpError(452, '452 4.5.3 Too many recipients, slow down') : undefined,
    );
    const result = await runDeliveries(jobs(1), options(transport, ledger, { clock }));
    expect(result.stopped).toBeUndefined();
    expect(calls).toEqual(['r0@example.test', 'r0@example.test', 'r0@example.test']);
    expect(clock.sleeps).toEqual([backoffDelay(1, 1000, () => 0.5), backoffDelay(2, 1000, () => 0.5)]);
    expect(clock.sleeps[1]!).toBeGreaterThan(clock.sleeps[0]!);
    expect(ledger.rows).toEqual([expect.objectContaining({ email: 'r0@example.test', status: 'sent', attempts: 3 })]);
  });

  it('keeps going when the server replies 4xx to every message: it is up, the readers are deferred', async () => {
    const ledger = memoryLedger();
    // Not a throttling reply: one that only ever throttles stops the run (see below).
    const { transport } = scriptedTransport(() => smtpError(451, '451 4.3.0 Temporary local problem'));
    const result = await runDeliveries(jobs(5), options(transport, ledger, { retries: 1 }));
    expect(result.stopped).toBeUndefined();
    expect(ledger.rows.map((r) => r.status)).toEqual(Array(5).fill('deferred'));
  });

  it('stops taking messages once one ran out of retries with no reply at all (the server is gone)', async () => {
    const ledger = memoryLedger();
    const { transport, calls } = scriptedTransport((_call, to) => (to === 'r0@example.test' ? undefined : noReply()));
    const result = await runDeliveries(jobs(50), options(transport, ledger, { concurrency: 2, retries: 2 }));
    expect(result.stopped).toContain('ECONNREFUSED');
    expect(ledger.rows[0]).toMatchObject({ email: 'r0@example.test', status: 'sent' });
    const deferred = ledger.rows.filter((r) => r.status === 'deferred');
    // Only the messages already started (two per connection) are recorded; the rest stay for the next run.
    expect(deferred.length).toBeGreaterThanOrEqual(1);
    expect(deferred.length).toBeLessThanOrEqual(4);
    expect(ledger.rows).toHaveLength(1 + deferred.length);
    expect(calls.length).toBeLessThanOrEqual(1 + 4 * 3);
  });

  it('when the ledger cannot be written, starts no new message and lists the accepted ones it could not record', async () => {
    const ledger = memoryLedger({ failOnWrite: 3 });
    const { transport, calls } = scriptedTransport(() => undefined);
    const result = await runDeliveries(jobs(40), options(transport, ledger, { concurrency: 3 }));
    expect(result.halted?.error).toEqual(new Error('disk full'));
    const sendsAtFailure = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    // Nothing goes out after the run gave up: the caller closes the database next.
    expect(calls.length).toBe(sendsAtFailure);
    // Only the messages on the wire when the write failed (one per connection) went out after it.
    // (the rows of the failed batch, one per connection, and those on the wire then).
    const writtenBefore = ledger.batches[0]! + ledger.batches[1]!;
    expect(sendsAtFailure - writtenBefore).toBeLessThanOrEqual(3 + 3);
    // Every accepted message is either recorded or listed; the others in flight were still recorded.
    // The failed batch held at most one accepted message per connection.
    const unrecorded = result.halted!.unrecorded.map((u) => u.email);
    expect(unrecorded.length).toBeGreaterThanOrEqual(1);
    expect(unrecorded.length).toBeLessThanOrEqual(3);
    expect([...ledger.rows.map((r) => r.email), ...unrecorded].sort()).toEqual([...calls].sort());
  });
});

describe('batched ledger writes', () => {
  it('writes accepted messages in batches, each keeping its connection until its row is committed', async () => {
    const concurrency = 4;
    let onWire = 0;
    let uncommitted = 0;
    let most = 0;
    const note = () => {
      most = Math.max(most, onWire + uncommitted);
    };
    const transport: MailTransport = {
      kind: 'smtp',
      destination: 'smtp://test',
      verify: async () => {},
      async send() {
        onWire++;
        note();
        await new Promise((resolve) => setTimeout(resolve, 1));
        onWire--;
        uncommitted++;
        note();
        return { response: '250 OK' };
      },
      close: async () => {},
    };
    const batches: number[] = [];
    const ledger: LedgerWriter = {
      async recordMany(entries) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        batches.push(entries.length);
        uncommitted -= entries.filter((e) => e.status === 'sent').length;
      },
    };
    const result = await runDeliveries(jobs(200), options(transport, ledger, { concurrency }));
    expect(result.halted).toBeUndefined();
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(200);
    // Fewer writes than messages: rows accepted together share a transaction.
    expect(batches.length).toBeLessThan(200);
    expect(Math.max(...batches)).toBeGreaterThan(1);
    // Never more accepted-but-unrecorded messages (plus those on the wire) than connections.
    expect(most).toBeLessThanOrEqual(concurrency);
  });

  it('with one connection, writes each row before the next message goes out', async () => {
    const ledger = memoryLedger();
    const { transport } = scriptedTransport(() => undefined);
    await runDeliveries(jobs(5), options(transport, ledger, { concurrency: 1 }));
    expect(ledger.batches).toEqual([1, 1, 1, 1, 1]);
  });
});

describe('no-reply failures', () => {
  it.each([
    [{ code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, true],
    [{ code: 'ESOCKET', message: 'connect ECONNREFUSED' }, true],
    [{ code: 'ETIMEDOUT', message: 'Timeout' }, true],
    [{ responseCode: 421, response: '421 closing' }, false],
    [{ responseCode: 452, response: '452 too many recipients' }, false],
    [new TypeError('bug building message'), false],
  ])('%o: no reply is %s', (error, expected) => {
    expect(classifyFailure(error).noReply).toBe(expected);
  });
});

describe('a server that only throttles', () => {
  it('stops the run once only throttling replies came for the allowance, the rest left pending', async () => {
    const ledger = memoryLedger();
    const clock = sleepyClock();
    const { transport, calls } = scriptedTransport(() => smtpError(451, '451 4.7.1 try again later'));
    const result = await runDeliveries(
      jobs(300),
      options(transport, ledger, {
        clock,
        limiter: createRateLimiter(0, { clock }),
        concurrency: 2,
        retryBaseMs: 1000,
        throttledOutMs: 10 * 60_000,
      }),
    );
    expect(result.stopped).toMatch(/^throttled: 451 4\.7\.1 try again later \(only throttling replies for 10 min/);
    expect(ledger.rows.every((row) => row.status === 'deferred')).toBe(true);
    // A handful of messages tried, not hours of backed-off retries for every one of 300.
    expect(ledger.rows.length).toBeLessThanOrEqual(4);
    expect(calls.length).toBeLessThan(60);
  });

  it('keeps going while anything is accepted between the throttling replies', async () => {
    const ledger = memoryLedger();
    const clock = sleepyClock();
    // Throttled for longer than the allowance in all, but never without an acceptance in between.
    const { transport } = scriptedTransport((call) =>
      call % 2 === 0 ? undefined : smtpError(451, '451 4.7.1 slow down'),
    );
    const limiter = createRateLimiter(0, { clock });
    const result = await runDeliveries(jobs(8), options(transport, ledger, { clock, limiter, throttledOutMs: 1500 }));
    expect(result.stopped).toBeUndefined();
    expect(clock.now()).toBeGreaterThan(1500);
    expect(ledger.rows.filter((row) => row.status === 'sent')).toHaveLength(8);
  });
});
