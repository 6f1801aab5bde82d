import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { migrate, openPostgres, type Pool } from '../../src/db/postgres.js';
import { type ItemOutcome, openSendQueue, type PlanItem } from '../../src/state/postgres/queue.js';
import { WORKER_MIGRATIONS } from '../../src/state/postgres/queue-schema.js';
import { STATE_MIGRATIONS } from '../../src/state/postgres-schema.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * A worker writes the refusals a batch ends holding as deferred, items done, and turns them failed
 * once an acceptance decides them. With every item done meanwhile, a worker started then writes a
 * new plan from the ledger and tries those readers again: its own outcome for one must not be turned
 * failed by the first worker's decision, or a reader it left deferred is never tried again.
 */
describePostgres('send work queue: a parked refusal decided after another worker wrote its reader', () => {
  const databaseUrl = useFreshDatabase('parked_rewritten');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(databaseUrl(), { max: 2 });
    await migrate(pool, 'state', STATE_MIGRATIONS);
    await migrate(pool, 'workers', WORKER_MIGRATIONS);
  });
  beforeEach(async () => {
    await pool.query('TRUNCATE deliveries, send_items, send_plans, send_workers, runs CASCADE');
  });
  afterAll(async () => {
    await pool?.end();
  });

  const items: PlanItem[] = ['x@gone.example', 'r1@example.test'].map((email) => ({ email, variantId: 'editor' }));
  const open = async (name: string, clock?: () => number) => {
    const queue = openSendQueue(pool, {
      issueId: '2026-W48',
      channel: 'smtp',
      worker: { id: name, host: `host-${name}`, pid: 1 },
      leaseMs: 10_000,
      clock,
    });
    await queue.openPlan('fp', (recorded) => {
      const left = items.filter((item) => recorded.get(item.email) !== 'sent');
      return { items: left, readers: items.length, salt: '' };
    });
    return queue;
  };
  const outcome = (
    item: { seq: number; email: string; variantId: string },
    status: 'sent' | 'failed' | 'deferred',
    response: string,
    updatedAt: string,
  ): ItemOutcome => ({
    ...item,
    status,
    messageId: `<${item.email}>`,
    responseCode: Number.parseInt(response, 10),
    response,
    attempts: 1,
    updatedAt,
  });
  const rowOf = async (email: string) =>
    (await pool.query('SELECT status, response FROM deliveries WHERE email = $1', [email])).rows[0];

  it('a reader the next plan wrote deferred since stays deferred, to be tried again', async () => {
    const status = 'deferred';
    const response = '421 4.3.2 shutting down';
    {
      const a = await open('a');
      const [x, r1] = await a.claim(2);
      const parked = outcome(x!, 'deferred', '550 Unrouteable address', '2026-12-01T00:00:01.000Z');
      await a.complete([parked, outcome(r1!, 'sent', '250 ok', '2026-12-01T00:00:02.000Z')]);
      // Every item done: a worker started now writes a plan of its own and tries the parked reader.
      const b = await open('b');
      const [again] = await b.claim(1);
      expect(again?.email).toBe('x@gone.example');
      await b.complete([outcome(again!, status, response, '2026-12-01T00:00:03.000Z')]);
      await a.failParked([outcome(x!, 'failed', '550 Unrouteable address', '2026-12-01T00:00:04.000Z')]);
      expect(await rowOf('x@gone.example')).toEqual({ status, response });
    }
  });

  it('a parked reader nobody wrote since is turned failed', async () => {
    const a = await open('a');
    const [x] = await a.claim(1);
    await a.complete([outcome(x!, 'deferred', '550 Unrouteable address', '2026-12-01T00:00:01.000Z')]);
    await a.failParked([outcome(x!, 'failed', '550 Unrouteable address', '2026-12-01T00:00:04.000Z')]);
    expect(await rowOf('x@gone.example')).toEqual({ status: 'failed', response: '550 Unrouteable address' });
  });

  it('a reader another worker took over from a stopped one keeps the outcome that worker wrote', async () => {
    let now = Date.parse('2026-12-01T00:00:00.000Z');
    const clock = () => now;
    const a = await open('a', clock);
    const [x] = await a.claim(1);
    // Worker a stops (SIGSTOP, a suspended VM) with x refused, past its lease: b takes x over.
    now += 20_000;
    const b = await open('b', clock);
    const [again] = await b.claim(1);
    expect(again?.email).toBe('x@gone.example');
    // Woken, a parks its refusal; b's try of x meets a server that cannot take it now.
    await a.complete([outcome(x!, 'deferred', '550 Unrouteable address', '2026-12-01T00:00:01.000Z')]);
    await b.complete([outcome(again!, 'deferred', '421 4.3.2 shutting down', '2026-12-01T00:00:21.000Z')]);
    // An acceptance of a's decides its parked refusal: b's later outcome is not a's to turn failed.
    await a.failParked([outcome(x!, 'failed', '550 Unrouteable address', '2026-12-01T00:00:22.000Z')]);
    expect(await rowOf('x@gone.example')).toEqual({ status: 'deferred', response: '421 4.3.2 shutting down' });
  });

  // Woken after a send started again wrote a new plan, the first worker ends its run: it must not
  // close the new run, still sending, as the end of its own plan.
  for (const reason of [undefined, 'failed', 'interrupted'] as const) {
    it(`a worker of a plan replaced since leaves the new run running (ending ${reason ?? 'with nothing to say'})`, async () => {
      const running = async () =>
        (await pool.query('SELECT finished_at IS NULL AS running, outcome FROM runs')).rows[0];
      const a = await open('a');
      const [x, r1] = await a.claim(2);
      await a.complete([
        outcome(x!, 'deferred', '421 4.3.2 shutting down', '2026-12-01T00:00:01.000Z'),
        outcome(r1!, 'sent', '250 ok', '2026-12-01T00:00:02.000Z'),
      ]);
      expect(await a.finishRun(undefined)).toBe('failed');
      const c = await open('c');
      const [again] = await c.claim(1);
      expect(again?.email).toBe('x@gone.example');
      expect(await running()).toEqual({ running: true, outcome: null });
      expect(await a.finishRun(reason)).toBeUndefined();
      expect(await running()).toEqual({ running: true, outcome: null });
      await c.complete([outcome(again!, 'sent', '250 ok', '2026-12-01T00:00:03.000Z')]);
      expect(await c.finishRun(undefined)).toBe('complete');
    });
  }
});
