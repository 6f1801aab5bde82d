import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/send/rate-limit.js';
import { runDeliveries, type SendJob } from '../../src/send/run.js';
import { openStateDb } from '../../src/send/store.js';
import type { MailTransport } from '../../src/send/transport.js';
import type { StateStore } from '../../src/state/contract.js';
import { sqliteState } from '../../src/state/sqlite/index.js';

let dir: string;
let file: string;
let store: StateStore | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-ledger-commit-'));
  file = join(dir, 'state.db');
});

afterEach(async () => {
  await store?.close();
  store = undefined;
  await rm(dir, { recursive: true, force: true });
});

function jobs(count: number): SendJob[] {
  return Array.from({ length: count }, (_, i) => ({
    email: `reader${i}@example.test`,
    variantId: 'v',
    messageId: `<m${i}@example.test>`,
    build: () => ({ envelope: { from: 'news@example.test', to: [`reader${i}@example.test`] } }),
  }));
}

/** Rows committed to the file, as another process would see them. */
function committed(): number {
  const reader = new Database(file, { readonly: true });
  try {
    return (reader.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sent'").get() as { n: number }).n;
  } finally {
    reader.close();
  }
}

/**
 * A server that accepts every message on the next turn and, at each hand-over, notes how many
 * messages handed over before it were not yet committed to the ledger file.
 */
function watchingTransport() {
  let handed = 0;
  const uncommittedAtHandOver: number[] = [];
  const transport: MailTransport = {
    kind: 'smtp',
    destination: 'test',
    verify: async () => {},
    async send() {
      uncommittedAtHandOver.push(handed - committed());
      handed++;
      await new Promise((resolve) => setImmediate(resolve));
      return { response: '250 OK' };
    },
    close: async () => {},
  };
  return { transport, uncommittedAtHandOver, handed: () => handed };
}

describe('ledger rows committed before the next message', () => {
  it('commits a batch before its write resolves, visible to any other connection', async () => {
    store = sqliteState(openStateDb(file), file);
    const ledger = store.ledger('2026-W48', 'smtp');
    await ledger.recordMany([
      {
        email: 'Ada@Example.test',
        variantId: 'v',
        status: 'sent',
        messageId: '<a@x>',
        responseCode: 250,
        response: '250 OK',
        attempts: 1,
      },
    ]);
    expect(committed()).toBe(1);
    expect(await ledger.recorded()).toEqual(new Map([['ada@example.test', 'sent']]));
  });

  it('never hands a connection its next message before the row of its previous one is committed', async () => {
    store = sqliteState(openStateDb(file), file);
    const watch = watchingTransport();
    for (const concurrency of [1, 3]) {
      watch.uncommittedAtHandOver.length = 0;
      const result = await runDeliveries(jobs(40), {
        transport: watch.transport,
        ledger: store.ledger(`issue-${concurrency}`, 'smtp'),
        limiter: createRateLimiter(0),
        concurrency,
        retries: 0,
        retryBaseMs: 1,
      });
      expect(result.halted).toBeUndefined();
      expect(watch.uncommittedAtHandOver).toHaveLength(40);
      // Only messages still in flight on the other connections may be unrecorded, one per connection.
      expect(Math.max(...watch.uncommittedAtHandOver)).toBeLessThanOrEqual(concurrency - 1);
    }
    expect(committed()).toBe(80);
  });

  it('stops the run at the first write the file cannot take, with SQLite’s own error', async () => {
    store = sqliteState(openStateDb(file, { growthLimitPages: 0 }), file);
    const watch = watchingTransport();
    const result = await runDeliveries(jobs(2000), {
      transport: watch.transport,
      ledger: store.ledger('2026-W48', 'smtp'),
      limiter: createRateLimiter(0),
      concurrency: 2,
      retries: 0,
      retryBaseMs: 1,
    });
    expect((result.halted?.error as { code?: string } | undefined)?.code).toBe('SQLITE_FULL');
    // Every message handed over is either committed or listed as accepted but not recorded.
    expect(watch.handed()).toBe(committed() + result.halted!.unrecorded.length);
    expect(result.halted!.unrecorded.length).toBeLessThanOrEqual(2);
    expect(watch.handed()).toBeLessThan(2000);
  });
});
