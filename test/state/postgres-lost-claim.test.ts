import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openPostgres, type Pool } from '../../src/db/postgres.js';
import { openSendQueue, type PlanItem } from '../../src/state/postgres/queue.js';
import { WORKER_MIGRATIONS } from '../../src/state/postgres/queue-schema.js';
import { STATE_MIGRATIONS } from '../../src/state/postgres-schema.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

const LEASE = 10_000;

/**
 * A claim the database committed whose answer never reached the worker (the connection dropped or
 * the query timed out on the client after the commit): the items are leased to that worker, which
 * does not know it, and its heartbeat renews every lease it owns. Its next claim takes them again,
 * so they are sent; before, they stayed leased to it for as long as it ran and every worker waited.
 */
describePostgres('send work queue: a claim whose answer was lost', () => {
  const databaseUrl = useFreshDatabase('lost_claim');
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

  it('gives the lost items back to the same worker at its next claim, never the ones it holds', async () => {
    const a = queue('a');
    await a.openPlan('fp', () => ({ items: items(6), readers: 6, salt: '' }));
    const held = await a.claim(2);
    expect(held.map((i) => i.seq)).toEqual([0, 1]);
    // Committed, answer lost: items 2 and 3 are leased to `a`, which holds only 0 and 1.
    await a.claim(2, [0, 1]);
    time += 3_000;
    const beat = await a.heartbeat();
    expect([...beat.held].sort()).toEqual([0, 1, 2, 3]);
    const next = await a.claim(10, [0, 1]);
    expect(next.map((i) => i.seq)).toEqual([2, 3, 4, 5]);
    // Another worker still sees them leased: nobody else sends them meanwhile.
    const b = queue('b');
    await b.openPlan('fp', () => ({ items: items(6), readers: 6, salt: '' }));
    expect(await b.claim(10)).toEqual([]);
  });
});
