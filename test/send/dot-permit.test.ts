import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { suppressionCursor, watchSuppressions } from '../../src/send/late-suppressions.js';
import { WIRE } from '../../src/send/message.js';
import { createRateLimiter } from '../../src/send/rate-limit.js';
import { runDeliveries, type SendJob } from '../../src/send/run.js';
import { addSuppression, openStateDb } from '../../src/send/store.js';
import { createSmtpTransport, type MailTransport } from '../../src/send/transport.js';
import type { DeliveryLedger, LedgerEntry, StateStore } from '../../src/state/contract.js';
import { sqliteState } from '../../src/state/sqlite/index.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { until as waitFor } from './_waiting.js';

/**
 * The SMTP wire path sends a message's envelope and body while the previous rows are being
 * committed and holds back only its terminating dot: the server sees every event (DATA begun, end of
 * data) and the ledger every commit, in one log.
 */

let dir: string;
let store: StateStore | undefined;
let server: TestSmtpServer | undefined;
let transport: MailTransport | undefined;
let log: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-dot-permit-'));
  log = [];
});

afterEach(async () => {
  await transport?.close();
  await server?.close();
  await store?.close();
  transport = server = store = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function openSink(): Promise<TestSmtpServer> {
  server = await startSmtpServer({
    onDataStart: (to) => log.push(`start ${to[0]}`),
    onDataEnd: (to) => log.push(`end ${to[0]}`),
  });
  return server;
}

function address(i: number): string {
  return `reader${i}@example.test`;
}

/** Jobs whose messages are in wire form, so the pool that can hold back the dot sends them. */
function jobs(indices: readonly number[]): SendJob[] {
  return indices.map((i) => ({
    email: address(i),
    variantId: 'v',
    messageId: `<m${i}@example.test>`,
    build: () =>
      ({
        envelope: { from: 'news@example.test', to: [address(i)] },
        [WIRE]: {
          headers: [`From: news@example.test`, `To: ${address(i)}`, `Subject: Issue ${i}`],
          body: [Buffer.from(`Hello reader ${i}.\r\n${'A line of the digest.\r\n'.repeat(200)}`)],
          own: new Set<Buffer>(),
        },
      }) as never,
  }));
}

const range = (count: number) => Array.from({ length: count }, (_, i) => i);

/** Whether the server is in the middle of a message: its DATA began and its end has not come yet. */
const inData = () => count(log, 'start ') > count(log, 'end ');

/**
 * The state file's ledger behind a slow disk: each write lasts until a message is in the middle
 * of its DATA (or a short while), so connections reach their end of data while rows are still
 * being written. `failFrom`: that write and every later one fail, the first only once `ready`
 * says a message waits at its dot.
 */
function slowLedger(
  ledger: DeliveryLedger,
  options: { failFrom?: number; ready?: () => boolean } = {},
): { recordMany(entries: readonly LedgerEntry[]): Promise<void> } {
  let writes = 0;
  return {
    async recordMany(entries) {
      const write = ++writes;
      await until(inData, 50);
      if (options.failFrom !== undefined && write >= options.failFrom) {
        if (write === options.failFrom) await until(options.ready ?? (() => true));
        log.push('write failed');
        throw new Error('disk full');
      }
      await ledger.recordMany(entries);
      for (const entry of entries) log.push(`commit ${entry.email}`);
    },
  };
}

/** Waits for a condition; gives up after a generous while so a wrong build fails instead of hanging. */
async function until(condition: () => boolean, turns = 1000): Promise<void> {
  for (let turn = 0; turn < turns && !condition(); turn++) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Messages the server received in full but whose rows were not committed yet, after each log line. */
function uncommittedEnds(lines: readonly string[]): { line: string; open: number }[] {
  const ended = new Set<string>();
  const committed = new Set<string>();
  return lines.map((line) => {
    const [event, who] = line.split(' ') as [string, string];
    if (event === 'end') ended.add(who);
    if (event === 'commit') committed.add(who);
    return { line, open: [...ended].filter((a) => !committed.has(a)).length };
  });
}

const count = (lines: readonly string[], prefix: string) => lines.filter((l) => l.startsWith(prefix)).length;

describe('the terminating dot waits for a commit permit', () => {
  for (const concurrency of [1, 3]) {
    it(`starts the next message before the previous row is committed, yet never lets more than ${concurrency} end of data ahead of the ledger`, async () => {
      const sink = await openSink();
      const file = join(dir, 'state.db');
      store = sqliteState(openStateDb(file), file);
      transport = createSmtpTransport({ url: sink.url(), concurrency });
      const result = await runDeliveries(jobs(range(30)), {
        transport,
        ledger: slowLedger(store.ledger('2026-W48', 'smtp')),
        limiter: createRateLimiter(0),
        concurrency,
        retries: 0,
        retryBaseMs: 1,
      });
      expect(result.halted).toBeUndefined();
      expect(sink.counts.accepted).toBe(30);
      expect((await store.ledger('2026-W48', 'smtp').recorded()).size).toBe(30);
      const timeline = uncommittedEnds(log);
      expect(count(log, 'end '), log.join('\n')).toBe(30);
      // Every end of data the server saw had at most one message per connection ahead of the ledger.
      expect(Math.max(...timeline.map((t) => t.open))).toBeLessThanOrEqual(concurrency);
      // ...and the connections did not wait for the commits to begin the next message.
      const startedAhead = timeline.filter((t, i) => t.line.startsWith('start ') && (timeline[i - 1]?.open ?? 0) >= 1);
      expect(startedAhead.length).toBeGreaterThan(0);
      if (concurrency === 1) {
        // One connection: the end of each message comes only after the row of the one before it.
        for (let i = 1; i < 30; i++)
          expect(log.indexOf(`end ${address(i)}`)).toBeGreaterThan(log.indexOf(`commit ${address(i - 1)}`));
      }
    });
  }

  for (const concurrency of [1, 2]) {
    it(`after a failed ledger write completes no message, abandons the one held at its dot, and a re-run sends it once (${concurrency} connections)`, async () => {
      const sink = await openSink();
      const file = join(dir, 'state.db');
      store = sqliteState(openStateDb(file), file);
      transport = createSmtpTransport({ url: sink.url(), concurrency });
      // Fails once every permit is taken and another message has begun: that one waits at its dot.
      const waitingAtDot = () => count(log, 'end ') >= concurrency && inData();
      const first = await runDeliveries(jobs(range(10)), {
        transport,
        ledger: slowLedger(store.ledger('2026-W48', 'smtp'), { failFrom: 1, ready: waitingAtDot }),
        limiter: createRateLimiter(0),
        concurrency,
        retries: 0,
        retryBaseMs: 1,
      });
      expect((first.halted?.error as Error | undefined)?.message).toBe('disk full');
      await transport.close();
      transport = undefined;
      const unrecorded = first.halted!.unrecorded.map((u) => u.email);
      const recorded = await store.ledger('2026-W48', 'smtp').recorded();
      const ended = log.filter((l) => l.startsWith('end ')).map((l) => l.slice(4));
      const withheld = log.filter((l) => l.startsWith('start ') && !ended.includes(l.slice(6))).map((l) => l.slice(6));
      // No write succeeded: every message the server took in full is listed as not recorded, at
      // most one per connection, and the message held at its dot never reached its end.
      expect(recorded.size).toBe(0);
      expect(ended.sort()).toEqual([...unrecorded].sort());
      expect(unrecorded.length).toBeLessThanOrEqual(concurrency);
      expect(sink.counts.accepted).toBe(unrecorded.length);
      expect(withheld.length).toBeGreaterThan(0);
      for (const email of withheld) expect(recorded.has(email)).toBe(false);
      expect(log.slice(log.indexOf('write failed')).filter((l) => l.startsWith('end '))).toEqual([]);

      // The next run sends what is neither recorded nor listed as accepted: the held message once.
      transport = createSmtpTransport({ url: sink.url(), concurrency });
      const again = range(10).filter((i) => !unrecorded.includes(address(i)));
      const second = await runDeliveries(jobs(again), {
        transport,
        ledger: store.ledger('2026-W48', 'smtp'),
        limiter: createRateLimiter(0),
        concurrency,
        retries: 0,
        retryBaseMs: 1,
      });
      expect(second.halted).toBeUndefined();
      const received = (await sink.messages()).map((m) => m.envelope.to[0]!).sort();
      expect(received).toEqual(range(10).map(address).sort());
      for (const email of withheld) expect(received.filter((to) => to === email)).toHaveLength(1);
    });
  }
});

/**
 * A message whose body went out while its terminating dot waited for the row of the message before
 * it (a ledger write held up for seconds: a slow disk, the sender stopped meanwhile) wrote that dot
 * on the look made before its body, seconds old, so a reader who unsubscribed meanwhile was mailed.
 */
describe('a message held at its dot for seconds', () => {
  for (const unsubscribe of [true, false])
    it(
      unsubscribe ? 'is not completed for a reader who unsubscribed meanwhile' : 'is completed for a reader who stayed',
      async () => {
        const started: string[] = [];
        server = await startSmtpServer({ onDataStart: (to) => started.push(to[0]!) });
        const file = join(dir, 'state.db');
        store = sqliteState(openStateDb(file), file);
        const late = watchSuppressions(store.suppressions, await suppressionCursor(store.suppressions), {
          everyMs: 60_000,
          log: () => {},
        });
        transport = createSmtpTransport({ url: server.url(), concurrency: 1 });
        const jobs: SendJob[] = [0, 1, 2].map((i) => ({
          email: address(i),
          variantId: 'v',
          messageId: `<m${i}@example.test>`,
          suppressedSince: () => late.reason(address(i)),
          suppressedNow: () => late.reasonNow(address(i)),
          build: () =>
            ({
              envelope: { from: 'news@example.test', to: [address(i)] },
              [WIRE]: {
                headers: ['From: news@example.test', `To: ${address(i)}`, `Subject: Issue ${i}`],
                body: [Buffer.from(`Hello reader ${i}.\r\n`)],
                own: new Set<Buffer>(),
              },
            }) as never,
        }));
        // The first row's write waits until told: the second message's dot waits for its permit.
        let release = () => {};
        const held = new Promise<void>((resolve) => {
          release = resolve;
        });
        let writes = 0;
        const ledger = store.ledger('2026-W48', 'smtp');
        const suppressed: string[] = [];
        const running = runDeliveries(jobs, {
          transport,
          ledger: {
            async recordMany(entries: readonly LedgerEntry[]) {
              if (++writes === 1) await held;
              await ledger.recordMany(entries);
            },
          },
          limiter: createRateLimiter(0),
          concurrency: 1,
          retries: 0,
          retryBaseMs: 1,
          confirmSuppressions: late.confirm,
          lookAgain: late.lookAgain,
          onSuppressed: (job) => suppressed.push(job.email),
        });
        try {
          await waitFor(
            () => started.includes(address(1)) && writes === 1,
            'the second message begun, the first row held',
          ).catch((e) => {
            throw new Error(`${e.message} ${started.join()} ${writes}`);
          });
          const heldSince = Date.now();
          if (unsubscribe) {
            // As `serve` answers a one-click unsubscribe: its own connection to the state file.
            const db = openStateDb(file);
            addSuppression(db, address(1), { reason: 'unsubscribe' });
            db.close();
          }
          // Held past the second a look is good for.
          await waitFor(() => Date.now() - heldSince > 1500, 'a held write', 10_000, 50);
        } finally {
          release();
        }
        const result = await running;
        late.stop();
        expect(result.halted).toBeUndefined();
        const mailed = (await server.messages()).map((m) => m.envelope.to[0]!);
        const recorded = await ledger.recorded();
        if (unsubscribe) {
          expect(mailed).toEqual([address(0), address(2)]);
          expect(suppressed).toEqual([address(1)]);
          expect(recorded.has(address(1))).toBe(false);
        } else {
          expect(mailed).toEqual([0, 1, 2].map(address));
          expect(suppressed).toEqual([]);
        }
      },
    );
});
