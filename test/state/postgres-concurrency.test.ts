import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, type PoolClient } from '../../src/db/postgres.js';
import type { RolecastError } from '../../src/errors.js';
import type { LedgerEntry, StateStore } from '../../src/state/contract.js';
import { openState } from '../../src/state/open.js';
import { postgresState } from '../../src/state/postgres/index.js';
import { postgresLock } from '../../src/state/postgres/lock.js';
import { sentEntry } from '../helpers/ledger.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * Two hosts on one database, played by two connection pools: the same rows written at the same
 * time end up once, under their unique keys, whatever the interleaving.
 */

describePostgres('the PostgreSQL state under concurrent writers', () => {
  const url = useFreshDatabase('concurrency');
  let a: StateStore;
  let b: StateStore;
  beforeAll(async () => {
    [a, b] = await Promise.all([
      openState({ kind: 'postgres', url: url() }),
      openState({ kind: 'postgres', url: url() }),
    ]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const row = (email: string, attempts = 1): LedgerEntry =>
    sentEntry(email, { messageId: `<${email}>`, response: '250 OK', attempts });

  it('two pools recording the same addresses keep one row each, with every attempt counted', async () => {
    const emails = Array.from({ length: 200 }, (_, i) => `reader${i}@example.com`);
    const batches = (store: StateStore, spelling: (e: string) => string) =>
      Promise.all(
        Array.from({ length: 10 }, (_, k) =>
          store.ledger('2026-W48', 'smtp').recordMany(emails.slice(k * 20, k * 20 + 20).map((e) => row(spelling(e)))),
        ),
      );
    await Promise.all([batches(a, (e) => e), batches(b, (e) => e.toUpperCase())]);
    const recorded = await a.ledger('2026-W48', 'smtp').recorded();
    expect(recorded.size).toBe(200);
    const status = await b.status('2026-W48');
    expect(status[0]).toMatchObject({ sent: 200 });
    const pool = await openPostgres(url(), { max: 1 });
    try {
      const { rows } = await pool.query<{ rows: number; attempts: number }>(
        "SELECT COUNT(*)::int AS rows, SUM(attempts)::int AS attempts FROM deliveries WHERE issue_id = '2026-W48'",
      );
      expect(rows[0]).toEqual({ rows: 200, attempts: 400 });
    } finally {
      await pool.end();
    }
  });

  it('two pools adding the same suppressions add each address once, and say so once', async () => {
    const emails = Array.from({ length: 100 }, (_, i) => `gone${i}@example.com`);
    const results = await Promise.all([
      ...emails.map((e) => a.suppressions.add(e, { reason: 'unsubscribe' })),
      ...emails.map((e) => b.suppressions.add(e.toUpperCase(), { reason: 'unsubscribe' })),
    ]);
    expect(results.filter(Boolean)).toHaveLength(100);
    expect((await a.suppressions.list()).filter((e) => e.email.startsWith('gone'))).toHaveLength(100);
    const many = await Promise.all([
      a.suppressions.addMany(
        emails.map((email) => ({ email, reason: 'import' })),
        'cli',
      ),
      b.suppressions.addMany(
        [{ email: 'fresh@example.com', reason: 'import' }, ...emails.map((email) => ({ email, reason: 'import' }))],
        'cli',
      ),
    ]);
    expect(many.reduce((sum, r) => sum + r.added, 0)).toBe(1);
  });

  it('of two pools racing for the send lock, exactly one gets it', async () => {
    const outcomes = await Promise.allSettled([a.lock('2026-W50'), b.lock('2026-W50'), a.lock('2026-W50')]);
    const taken = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    try {
      expect(taken).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect((o.reason as RolecastError).code).toBe('E_LOCKED');
    } finally {
      // Whatever the outcome, nothing is left held for the next test (or this one's retry).
      for (const lock of taken) await lock.release();
    }
    await (await b.lock('2026-W50')).release();
  });

  it('a pool that reads the lock row the moment it is committed is refused, before the taker has resumed', async () => {
    // The taker's COMMIT answer is held back, so the second pool decides on a committed row whose
    // taker has not yet resumed: that row is still this process's, not a dead process's.
    const slow = await openPostgres(url(), { max: 1 });
    const fast = await openPostgres(url(), { max: 1 });
    let committed!: () => void;
    const commitSent = new Promise<void>((resolve) => {
      committed = resolve;
    });
    let decided!: () => void;
    const secondDecided = new Promise<void>((resolve) => {
      decided = resolve;
    });
    let holdCommit = true;
    const connect = slow.connect.bind(slow) as (...args: unknown[]) => Promise<PoolClient>;
    // Only the transaction's own checkout (no callback) is held back; pool.query passes a callback.
    slow.connect = (async (...args: unknown[]) => {
      if (args.length > 0) return connect(...args);
      const client = await connect();
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as unknown as { query: typeof query }).query = async (...args: unknown[]) => {
        const result = await query(...args);
        if (holdCommit && args[0] === 'COMMIT') {
          holdCommit = false;
          committed();
          // The reply is held until the other pool has decided, however slow the machine.
          await secondDecided;
        }
        return result;
      };
      return client;
    }) as typeof slow.connect;
    const taken: { release(): Promise<void> }[] = [];
    try {
      const first = postgresLock(slow, '2026-W49');
      await commitSent;
      const second = await postgresLock(fast, '2026-W49').then(
        (lock) => {
          taken.push(lock);
          return lock;
        },
        (error: RolecastError) => error,
      );
      decided();
      taken.push(await first);
      expect(second).toMatchObject({ code: 'E_LOCKED' });
      for (const lock of taken.splice(0)) await lock.release();
      await (await postgresLock(fast, '2026-W49')).release();
    } finally {
      // Whatever the outcome, nothing is left held for a retry.
      for (const lock of taken) await lock.release();
      await slow.end();
      await fast.end();
    }
  });

  it('recordMany is one query to the server, whatever the batch size', async () => {
    const pool = await openPostgres(url(), { max: 2 });
    let queries = 0;
    const query = pool.query.bind(pool);
    pool.query = ((...args: Parameters<typeof query>) => {
      queries++;
      return query(...args);
    }) as typeof pool.query;
    const store = postgresState(pool, url());
    try {
      for (const size of [1, 50, 500]) {
        const before = queries;
        await store
          .ledger('2026-W51', 'smtp')
          .recordMany(Array.from({ length: size }, (_, i) => row(`rt${size}-${i}@example.com`)));
        expect(queries - before).toBe(1);
      }
      expect((await store.ledger('2026-W51', 'smtp').recorded()).size).toBe(551);
    } finally {
      await store.close();
    }
  });
});
