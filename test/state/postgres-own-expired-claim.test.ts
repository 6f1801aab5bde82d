import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openPostgres, type Pool } from '../../src/db/postgres.js';
import { openSendQueue, type PlanItem } from '../../src/state/postgres/queue.js';
import { WORKER_MIGRATIONS } from '../../src/state/postgres/queue-schema.js';
import { STATE_MIGRATIONS } from '../../src/state/postgres-schema.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

const LEASE = 10_000;

/**
 * A worker whose heartbeats could not reach the database for longer than its lease still holds the
 * items of the batch it is sending. When the database answers its next claim before its next beat,
 * that claim must not hand it those same items again: a second batch of the same worker would mail
 * those readers while the first still does (a claim makes an item the worker's own, so neither batch
 * takes it for lost). An item it handed back to the plan (unleased) is still its to claim again.
 */
describePostgres('send work queue: a claim after this worker’s own leases ran out', () => {
  const databaseUrl = useFreshDatabase('own_expired_claim');
  let pool: Pool;
  let time = Date.parse('2026-12-01T10:00:00Z');
  const clock = () => time;

  beforeAll(async () => {
    pool = await openPostgres(databaseUrl(), { max: 2 });
    await migrate(pool, 'state', STATE_MIGRATIONS);
    await migrate(pool, 'workers', WORKER_MIGRATIONS);
  });
  afterAll(async () => {
    await pool?.end();
  });

  const items = (count: number): PlanItem[] =>
    Array.from({ length: count }, (_, i) => ({ email: `r${i}@example.test`, variantId: 'editor' }));
  const queue = (name: string) =>
    openSendQueue(pool, {
      issueId: '2026-W48',
      channel: 'smtp',
      worker: { id: name, host: `host-${name}`, pid: 1 },
      leaseMs: LEASE,
      clock,
    });

  it('never gives a worker again the items it holds, though their leases ran out', async () => {
    const a = queue('a');
    await a.openPlan('fp', () => ({ items: items(4), readers: 4, salt: '' }));
    expect((await a.claim(2)).map((i) => i.seq)).toEqual([0, 1]);
    // No beat reached the database for longer than the lease.
    time += LEASE + 1_000;
    const next = await a.claim(10, [0, 1]);
    expect(next.map((i) => i.seq)).toEqual([2, 3]);
    // Another worker may take them over: their leases ran out.
    const b = queue('b');
    await b.openPlan('fp', () => ({ items: items(4), readers: 4, salt: '' }));
    expect((await b.claim(10)).map((i) => i.seq)).toEqual([0, 1]);
  });

  it('still gives a worker again a reader it handed back to the plan while their batch goes on', async () => {
    await pool.query('DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM send_workers');
    const c = queue('c');
    await c.openPlan('fp2', () => ({ items: items(1), readers: 1, salt: '' }));
    const [held] = await c.claim(1);
    await c.complete([
      { seq: 0, email: held!.email, variantId: 'editor', status: 'later', retryMs: 500, tries: 1, greylists: 1 },
    ]);
    time += 1_000;
    expect((await c.claim(10, [0])).map((i) => [i.seq, i.tries, i.greylists])).toEqual([[0, 1, 1]]);
  });
});
