import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openPostgres, type Pool } from '../../src/db/postgres.js';
import { type ItemOutcome, openSendQueue, type PlanItem, type SendQueue } from '../../src/state/postgres/queue.js';
import { WORKER_MIGRATIONS } from '../../src/state/postgres/queue-schema.js';
import { STATE_MIGRATIONS } from '../../src/state/postgres-schema.js';
import { hashedAddress } from '../../src/store/hash.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

const LEASE = 10_000;

function items(count: number): PlanItem[] {
  return Array.from({ length: count }, (_, i) => ({
    email: `r${i}@example.test`,
    variantId: i % 2 ? 'cto' : 'editor',
  }));
}

function sent(item: { seq: number; email: string; variantId: string }, at = '2026-12-01T00:00:00.000Z'): ItemOutcome {
  return {
    ...item,
    status: 'sent',
    messageId: `<${item.email}>`,
    responseCode: 250,
    response: '250 ok',
    attempts: 1,
    updatedAt: at,
  };
}

describePostgres('the send work queue in PostgreSQL', () => {
  const databaseUrl = useFreshDatabase('queue');
  let pool: Pool;
  const extraPools: Pool[] = [];
  let time = Date.parse('2026-12-01T10:00:00Z');
  const clock = () => time;
  let issue = 0;

  beforeAll(async () => {
    pool = await openPostgres(databaseUrl(), { max: 4 });
    await migrate(pool, 'state', STATE_MIGRATIONS);
    await migrate(pool, 'workers', WORKER_MIGRATIONS);
  });
  afterAll(async () => {
    for (const p of extraPools) await p.end();
    await pool?.end();
  });

  /** A worker on its own issue id per test, with the test's clock unless told otherwise. */
  const worker = (
    name: string,
    issueId: string,
    options: { db?: Pool; clock?: (() => number) | null; serverStartedAt?: () => number } = {},
  ) =>
    openSendQueue(options.db ?? pool, {
      issueId,
      channel: 'smtp',
      worker: { id: `${name}-${issueId}`, host: `host-${name}`, pid: name.charCodeAt(0) },
      leaseMs: LEASE,
      clock: options.clock === null ? undefined : (options.clock ?? clock),
      serverStartedAt: options.serverStartedAt,
    });
  const newIssue = () => `issue-${++issue}`;
  const propose = (list: PlanItem[]) => () => ({ items: list, readers: list.length, salt: '' });

  it('writes the plan once; a worker with the same plan joins it, one with another plan is refused', async () => {
    const id = newIssue();
    const a = worker('a', id);
    const first = await a.openPlan('fp-1', propose(items(5)));
    expect(first).toMatchObject({ wrote: true, replaced: undefined, plan: { items: 5, readers: 5 } });
    let proposed = 0;
    const b = worker('b', id);
    const joined = await b.openPlan('fp-1', () => {
      proposed++;
      return { items: items(9), readers: 9, salt: '' };
    });
    expect(joined).toMatchObject({ wrote: false, plan: { planId: first.plan.planId, items: 5 } });
    expect(proposed).toBe(0);
    await expect(worker('c', id).openPlan('fp-other', propose(items(3)))).rejects.toThrow(
      /another worker \(pid 97 on host-a, pid 98 on host-b\) is sending issue-\d+ with a different plan/,
    );
    const count = await pool.query('SELECT count(*)::int AS n FROM send_items WHERE issue_id = $1', [id]);
    expect(count.rows[0].n).toBe(5);
  });

  it('refuses a worker with another signing key while one runs; once none is left, the plan goes on under the new key', async () => {
    const id = newIssue();
    await worker('a', id).openPlan('fp', propose(items(4)), 'key-a');
    await expect(worker('b', id).openPlan('fp', propose(items(4)), 'key-b')).rejects.toThrow(
      /another worker \(pid 97 on host-a\) is sending issue-\d+ with another ROLECAST_SECRET/,
    );
    const same = await worker('c', id).openPlan('fp', propose(items(4)), 'key-a');
    expect(same).toMatchObject({ wrote: false, rekeyed: false });
    time += LEASE + 1;
    const later = await worker('d', id).openPlan('fp', propose(items(4)), 'key-b');
    expect(later).toMatchObject({ wrote: false, rekeyed: true });
    const stored = await pool.query('SELECT key_check FROM send_plans WHERE issue_id = $1', [id]);
    expect(stored.rows[0].key_check).toBe('key-b');
  });

  it('a lease that ran out while the database was down is kept for one more lease after it came back', async () => {
    const id = newIssue();
    const a = worker('a', id);
    await a.openPlan('fp', propose(items(3)));
    expect(await a.claim(2)).toHaveLength(2);
    // The database goes down for two leases; it is back, freshly started, at `restarted`.
    time += 2 * LEASE;
    const restarted = time;
    const b = worker('b', id, { serverStartedAt: () => restarted });
    await b.openPlan('fp', propose(items(3)));
    expect((await b.claim(10)).map((i) => i.seq)).toEqual([2]);
    // The holder records what it sent meanwhile: nobody else ever claims those items.
    time += LEASE - 1;
    expect(await b.claim(10)).toEqual([]);
    // A holder that never comes back loses them a lease after the restart (b's own claim of 2 ran out too).
    time += 2;
    expect((await b.claim(10)).map((i) => i.seq)).toEqual([0, 1, 2]);
  });

  it('replaces an unfinished plan for another audience once no worker is left on it', async () => {
    const id = newIssue();
    await worker('a', id).openPlan('fp-old', propose(items(4)));
    time += LEASE + 1;
    const b = worker('b', id);
    const opened = await b.openPlan('fp-new', propose(items(2)));
    expect(opened.wrote).toBe(true);
    expect(opened.replaced?.fingerprint).toBe('fp-old');
    expect((await b.claim(10)).map((i) => i.email)).toEqual(['r0@example.test', 'r1@example.test']);
  });

  it('leases claimed items; after the lease runs out another worker claims them, never a done item', async () => {
    const id = newIssue();
    const a = worker('a', id);
    const b = worker('b', id);
    await a.openPlan('fp', propose(items(5)));
    await b.openPlan('fp', propose(items(5)));
    const mine = await a.claim(3);
    expect(mine.map((i) => i.seq)).toEqual([0, 1, 2]);
    expect((await b.claim(10)).map((i) => i.seq)).toEqual([3, 4]);
    expect(await b.claim(10)).toEqual([]);
    await b.complete([sent(await itemOf(id, 3)), sent(await itemOf(id, 4))]);
    expect(await b.progress()).toMatchObject({ items: 5, open: 3, leasedElsewhere: 3, nextExpiry: time + LEASE });

    // a completes one item, then goes silent; its other two are claimed again once the lease ran out.
    await a.complete([sent(mine[0]!)]);
    time += LEASE - 1;
    expect(await b.claim(10)).toEqual([]);
    time += 1;
    const reclaimed = await b.claim(10);
    expect(reclaimed.map((i) => [i.seq, i.claims])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    time += 2 * LEASE;
    expect(
      await worker('c', id)
        .claim(10)
        .catch(() => 'no plan'),
    ).toBe('no plan');
    const c = worker('c', id);
    await c.openPlan('fp', propose(items(5)));
    // b's lease ran out too: c gets b's two, and nothing done is handed out again.
    expect((await c.claim(10)).map((i) => i.seq)).toEqual([1, 2]);
  });

  it('a late worker completing items it lost records them, counts them lost, and never downgrades sent', async () => {
    const id = newIssue();
    const a = worker('a', id);
    const b = worker('b', id);
    await a.openPlan('fp', propose(items(2)));
    await b.openPlan('fp', propose(items(2)));
    const claimed = await a.claim(2);
    time += LEASE;
    const taken = await b.claim(2);
    expect(taken).toHaveLength(2);
    // b reaches the first reader; a, back from a long pause, reports both as accepted.
    await b.complete([sent(taken[0]!, '2026-12-01T10:00:01.000Z')]);
    expect(await a.complete(claimed.map((i) => sent(i, '2026-12-01T10:00:02.000Z')))).toEqual({ lost: 2 });
    // b's later temporary failure for the second reader must not undo a's "sent".
    await b.complete([
      {
        ...taken[1]!,
        status: 'deferred',
        messageId: null,
        responseCode: 451,
        response: '451 later',
        attempts: 3,
        updatedAt: '2026-12-01T10:00:03.000Z',
      },
    ]);
    const rows = await pool.query(
      'SELECT email, status, response_code FROM deliveries WHERE issue_id = $1 ORDER BY email',
      [id],
    );
    expect(rows.rows).toEqual([
      { email: 'r0@example.test', status: 'sent', response_code: 250 },
      { email: 'r1@example.test', status: 'sent', response_code: 250 },
    ]);
    expect(await a.progress()).toMatchObject({ open: 0 });
    expect(await b.claim(5)).toEqual([]);
  });

  it('a heartbeat renews the leases a worker holds and counts the live workers', async () => {
    const id = newIssue();
    const a = worker('a', id);
    const b = worker('b', id);
    await a.openPlan('fp', propose(items(4)));
    await b.openPlan('fp', propose(items(4)));
    await a.claim(2);
    time += LEASE * 0.8;
    expect(await a.heartbeat()).toEqual({ held: new Set([0, 1]), liveWorkers: 2 });
    time += LEASE * 0.5;
    expect((await b.claim(10)).map((i) => i.seq)).toEqual([2, 3]);
    // b has not beaten since it joined: a no longer counts it as live.
    expect((await a.heartbeat()).liveWorkers).toBe(1);
    await b.heartbeat();
    expect((await a.heartbeat()).liveWorkers).toBe(2);
    // A clean exit gives the items back at once and stops counting the worker.
    expect(await b.release()).toBe(2);
    expect((await a.heartbeat()).liveWorkers).toBe(1);
    expect((await a.claim(10)).map((i) => i.seq)).toEqual([2, 3]);
  });

  it('hands out items a suppression arrived for, marked, so they are skipped', async () => {
    const id = newIssue();
    const a = worker('a', id);
    await a.openPlan('fp', propose(items(3)));
    await pool.query(
      "INSERT INTO suppressions (email, reason, source, created_at) VALUES ('r1@example.test', 'unsubscribe', 'test', '2026-12-01')",
    );
    const claimed = await a.claim(3);
    expect(claimed.map((i) => i.suppressed)).toEqual([false, true, false]);
    await a.complete([{ ...claimed[1]!, status: 'skipped' }]);
    const rows = await pool.query('SELECT count(*)::int AS n FROM deliveries WHERE issue_id = $1', [id]);
    expect(rows.rows[0].n).toBe(0);
    expect(await a.progress()).toMatchObject({ open: 2 });
  });

  it('skips a reader erased during the send, whose suppression is only a hash', async () => {
    const id = newIssue();
    const a = worker('a', id);
    await a.openPlan('fp', propose(items(3)));
    await pool.query(
      "INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, 'erased', 'test', '2026-12-01')",
      [hashedAddress('r2@example.test')],
    );
    const claimed = await a.claim(3);
    const suppressed = new Map(claimed.map((i) => [i.email, i.suppressed]));
    // r1 was unsubscribed in plain by the test before.
    expect(suppressed).toEqual(
      new Map([
        ['r0@example.test', false],
        ['r1@example.test', true],
        ['r2@example.test', true],
      ]),
    );
  });

  it('workers on separate connections claiming at once never get the same item', async () => {
    const id = newIssue();
    const queues: SendQueue[] = [];
    for (let i = 0; i < 4; i++) {
      const db = await openPostgres(databaseUrl(), { max: 2 });
      extraPools.push(db);
      // The database's own clock: real leases, real concurrency.
      const q = worker(`w${i}`, id, { db, clock: null });
      await q.openPlan('fp', propose(items(600)));
      queues.push(q);
    }
    const taken = await Promise.all(
      queues.map(async (q) => {
        const mine: number[] = [];
        for (;;) {
          const batch = await q.claim(7);
          if (batch.length === 0) return mine;
          mine.push(...batch.map((i) => i.seq));
        }
      }),
    );
    const all = taken.flat();
    expect(all).toHaveLength(600);
    expect(new Set(all).size).toBe(600);
    // Each worker got a share: the claims really ran side by side.
    expect(taken.filter((mine) => mine.length > 0).length).toBeGreaterThan(1);
  });

  async function itemOf(issueId: string, seq: number) {
    const row = await pool.query('SELECT seq, email, variant_id FROM send_items WHERE issue_id = $1 AND seq = $2', [
      issueId,
      seq,
    ]);
    return { seq, email: row.rows[0].email as string, variantId: row.rows[0].variant_id as string };
  }
});
