import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openPostgres, type Pool } from '../../src/db/postgres.js';
import { type ItemOutcome, openSendQueue, type PlanItem } from '../../src/state/postgres/queue.js';
import { WORKER_MIGRATIONS } from '../../src/state/postgres/queue-schema.js';
import { STATE_MIGRATIONS } from '../../src/state/postgres-schema.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * A batch's outcome write whose answer was lost after it committed (a dropped connection) is tried
 * again. That second write found its own items done and counted them as lost to another worker,
 * so the worker warned that readers may have had a second copy, and its sent count (in `status`)
 * counted the batch twice. The write tried again now counts nothing twice and loses nothing.
 */
describePostgres('send work queue: outcomes written again after a lost answer', () => {
  const databaseUrl = useFreshDatabase('outcomes_twice');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(databaseUrl(), { max: 2 });
    await migrate(pool, 'state', STATE_MIGRATIONS);
    await migrate(pool, 'workers', WORKER_MIGRATIONS);
  });
  afterAll(async () => {
    await pool?.end();
  });

  const items: PlanItem[] = [0, 1, 2].map((i) => ({ email: `r${i}@example.test`, variantId: 'editor' }));
  const open = async (name: string) => {
    const queue = openSendQueue(pool, {
      issueId: '2026-W48',
      channel: 'smtp',
      worker: { id: name, host: `host-${name}`, pid: 1 },
      leaseMs: 10_000,
    });
    await queue.openPlan('fp', () => ({ items, readers: items.length, salt: '' }));
    return queue;
  };
  const sent = (item: { seq: number; email: string; variantId: string }): ItemOutcome => ({
    ...item,
    status: 'sent',
    messageId: `<${item.email}>`,
    responseCode: 250,
    response: '250 ok',
    attempts: 1,
    updatedAt: '2026-12-01T00:00:00.000Z',
  });

  it('counts each reader once and none as lost; items another worker finished still count as lost', async () => {
    const a = await open('a');
    const claimed = await a.claim(3);
    const outcomes = claimed.map(sent);
    expect(await a.complete(outcomes)).toEqual({ lost: 0 });
    expect(await a.complete(outcomes)).toEqual({ lost: 0 });
    const row = await pool.query("SELECT sent FROM send_workers WHERE worker_id = 'a'");
    expect(row.rows[0].sent).toBe(3);
    // Written by another worker: lost to this one, as before.
    const b = await open('b');
    expect(await b.complete(outcomes.slice(0, 1))).toEqual({ lost: 1 });
    const other = await pool.query("SELECT sent FROM send_workers WHERE worker_id = 'b'");
    expect(other.rows[0].sent).toBe(1);
  });
});
