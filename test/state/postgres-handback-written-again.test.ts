import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openPostgres, type Pool } from '../../src/db/postgres.js';
import { type ItemOutcome, openSendQueue, type PlanItem } from '../../src/state/postgres/queue.js';
import { WORKER_MIGRATIONS } from '../../src/state/postgres/queue-schema.js';
import { STATE_MIGRATIONS } from '../../src/state/postgres-schema.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * A greylisted reader handed back to the plan whose write's answer was lost is written again. If,
 * meanwhile, their time came and the same worker claimed them again for their next try, that second
 * write must not hand them back once more: they would be unleased while the worker mails them, free
 * for another worker to claim and mail too once the new time came.
 */
describePostgres('send work queue: a hand-back written again after the reader was claimed again', () => {
  const databaseUrl = useFreshDatabase('handback_again');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(databaseUrl(), { max: 2 });
    await migrate(pool, 'state', STATE_MIGRATIONS);
    await migrate(pool, 'workers', WORKER_MIGRATIONS);
  });
  afterAll(async () => {
    await pool?.end();
  });

  const items: PlanItem[] = [{ email: 'r0@example.test', variantId: 'editor' }];

  it('leaves the reader leased to the worker that claimed them again', async () => {
    await pool.query(
      'DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM send_workers; DELETE FROM deliveries',
    );
    const queue = openSendQueue(pool, {
      issueId: '2026-W48',
      channel: 'smtp',
      worker: { id: 'a', host: 'host-a', pid: 1 },
      leaseMs: 10_000,
    });
    await queue.openPlan('fp', () => ({ items, readers: items.length, salt: '' }));
    const [item] = await queue.claim(1);
    // Handed back with no wait, so it is due at once.
    const handBack: ItemOutcome[] = [{ ...item!, status: 'later', retryMs: 0, tries: 1, greylists: 1 }];
    await queue.complete(handBack);
    const again = await queue.claim(1, []);
    expect(again.map((i) => [i.seq, i.greylists])).toEqual([[item!.seq, 1]]);
    // The first write tried again: the reader stays this worker's, for the try it is making.
    await queue.complete(handBack);
    const row = await pool.query<{ lease_owner: string | null }>('SELECT lease_owner FROM send_items');
    expect(row.rows).toEqual([{ lease_owner: 'a' }]);
  });
});
