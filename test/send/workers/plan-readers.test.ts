import { expect, it } from 'vitest';
import { transaction } from '../../../src/db/postgres.js';
import type { Subscriber } from '../../../src/model/subscriber.js';
import { readPlanReaders, writePlanReaders } from '../../../src/state/postgres/plan-readers.js';
import { hashedAddress } from '../../../src/store/hash.js';
import { describePostgres } from '../../helpers/postgres.js';
import { useWorkerDatabase } from './_database.js';

/** The readers a plan keeps: written in pages, read back in order in pages, never an erased one. */
describePostgres('kept plan readers', () => {
  const db = useWorkerDatabase('plan_readers');

  it('a list longer than a page comes back whole and in order; an erased reader is not kept', async () => {
    const key = { issueId: '2026-W48', channel: 'smtp', planId: 'plan-1' };
    const readers: Subscriber[] = Array.from({ length: 12_001 }, (_, i) => ({
      email: `reader${i}@example.test`,
      name: `Reader ${i}`,
      roles: [i % 2 ? 'CTO' : 'Architect'],
      status: 'active',
    }));
    await db.pool.query(
      `INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, 'erased', 'forget', '2026-12-01T00:00:00Z')`,
      [hashedAddress('reader7@example.test')],
    );
    // A plan with an open item and a live worker on it, as a running send leaves them.
    await db.pool.query(
      `INSERT INTO send_plans (issue_id, channel, plan_id, fingerprint, readers, items, created_at, created_by)
       VALUES ('2026-W48', 'smtp', 'plan-1', 'f', 12001, 1, '2026-12-01T00:00:00Z', 'test');
       INSERT INTO send_items (issue_id, channel, plan_id, seq, email, variant_id)
       VALUES ('2026-W48', 'smtp', 'plan-1', 0, 'reader0@example.test', 'v');
       INSERT INTO send_workers (worker_id, issue_id, channel, plan_id, host, pid, lease_ms, started_at, heartbeat_at)
       VALUES ('w1', '2026-W48', 'smtp', 'plan-1', 'h', 1, 600000, 0, (extract(epoch from clock_timestamp()) * 1000)::bigint)`,
    );
    await transaction(db.pool, (client) => writePlanReaders(client, key, readers));
    const kept = await readPlanReaders(db.pool, key.issueId, key.channel);
    expect(kept?.planId).toBe('plan-1');
    const back = kept?.readers;
    expect(back).toHaveLength(12_000);
    expect(back!.map((r) => r.email)).toEqual(readers.filter((_, i) => i !== 7).map((r) => r.email));
    expect(back![11_999]).toEqual(readers[12_000]);

    // No live worker on the plan: nothing to join, and the next plan written drops them.
    await db.pool.query("UPDATE send_workers SET stopped_at = 1 WHERE worker_id = 'w1'");
    expect(await readPlanReaders(db.pool, key.issueId, key.channel)).toBeUndefined();
    await transaction(db.pool, (client) => writePlanReaders(client, { ...key, issueId: '2026-W49' }, undefined));
    expect((await db.pool.query('SELECT count(*)::int AS n FROM send_plan_readers')).rows[0].n).toBe(0);
  });
});
