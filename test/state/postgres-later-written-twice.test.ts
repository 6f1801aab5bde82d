import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openPostgres, type Pool } from '../../src/db/postgres.js';
import { type ItemOutcome, openSendQueue, type PlanItem } from '../../src/state/postgres/queue.js';
import { WORKER_MIGRATIONS } from '../../src/state/postgres/queue-schema.js';
import { STATE_MIGRATIONS } from '../../src/state/postgres-schema.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * A batch's outcome write tried again after its answer was lost (the first try committed). A reader
 * it handed back to the plan (greylisted) is found unleased by the second try: nothing was delivered
 * to them, so no worker lost them and no reader can have had a second copy. A reader it recorded
 * keeps the tries they had, not twice as many.
 */
describePostgres('send work queue: greylisted and failed outcomes written again after a lost answer', () => {
  const databaseUrl = useFreshDatabase('later_twice');
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

  it('counts no reader as lost and keeps the recorded tries', async () => {
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
    const [first, second, third] = await queue.claim(3);
    const outcomes: ItemOutcome[] = [
      { ...first!, status: 'later', retryMs: 60_000, tries: 1, greylists: 1 },
      {
        ...second!,
        status: 'sent',
        messageId: '<m1>',
        responseCode: 250,
        response: '250 ok',
        attempts: 2,
        updatedAt: '2026-12-01T00:00:00.000Z',
      },
      {
        ...third!,
        status: 'failed',
        messageId: '<m2>',
        responseCode: 550,
        response: '550 no such user',
        attempts: 1,
        updatedAt: '2026-12-01T00:00:00.000Z',
      },
    ];
    expect(await queue.complete(outcomes)).toEqual({ lost: 0 });
    expect(await queue.complete(outcomes)).toEqual({ lost: 0 });
    const ledger = await pool.query<{ email: string; status: string; attempts: number }>(
      'SELECT email, status, attempts FROM deliveries ORDER BY email',
    );
    expect(ledger.rows).toEqual([
      { email: 'r1@example.test', status: 'sent', attempts: 2 },
      { email: 'r2@example.test', status: 'failed', attempts: 1 },
    ]);
    const waiting = await pool.query('SELECT seq, lease_owner, tries, greylists FROM send_items WHERE NOT done');
    expect(waiting.rows).toEqual([{ seq: first!.seq, lease_owner: null, tries: 1, greylists: 1 }]);
  });
});
