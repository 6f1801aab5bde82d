import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, type Pool } from '../../src/db/postgres.js';
import type { StateStore } from '../../src/state/contract.js';
import { openState } from '../../src/state/open.js';
import { hashedAddress } from '../../src/store/hash.js';
import { migrateSubscriberStorePg, postgresSubscriberStore } from '../../src/store/postgres.js';
import { sentEntry } from '../helpers/ledger.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/**
 * `forget` and a ledger write at the same moment, on PostgreSQL: whichever commits first, no row
 * holding the erased address is left behind.
 */

describePostgres('forget racing a ledger write on PostgreSQL', () => {
  const url = useFreshDatabase('forget_race');
  let pool: Pool;
  let state: StateStore;
  beforeAll(async () => {
    pool = await openPostgres(url(), { max: 4 });
    await migrateSubscriberStorePg(pool);
    state = await openState({ kind: 'postgres', url: url() });
  });
  afterAll(async () => {
    await state?.close();
    await pool?.end();
  });

  const rowsFor = async (email: string) =>
    (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM deliveries WHERE email = $1', [email])).rows[0]!.n;
  const settled = (promise: Promise<unknown>) =>
    Promise.race([promise.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 300))]);

  it('a write still open when forget starts: forget waits for it and deletes its row', async () => {
    const email = 'inflight@example.com';
    const writer = await pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(
        `INSERT INTO deliveries (issue_id, channel, email, variant_id, status, attempts, updated_at)
         VALUES ('2026-W48', 'smtp', $1, 'v1', 'sent', 1, '2026-12-01T08:00:00Z')`,
        [email],
      );
      const forgetting = postgresSubscriberStore(pool).forget(email, new Date('2026-12-01T08:00:01Z'));
      expect(await settled(forgetting)).toBe(false);
      await writer.query('COMMIT');
      await forgetting;
    } finally {
      writer.release();
    }
    expect(await rowsFor(email)).toBe(0);
  });

  it('a write starting while forget is open: it waits, then sees the erasure and writes nothing', async () => {
    const email = 'late@example.com';
    const forget = await pool.connect();
    try {
      // What forget holds before it commits: the erasure lock and the hashed suppression.
      await forget.query('BEGIN');
      await forget.query("SELECT pg_advisory_xact_lock(hashtext('rolecast:erasure'))");
      await forget.query(
        "INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, 'erased', 'forget', $2)",
        [hashedAddress(email), '2026-12-01T08:00:00Z'],
      );
      const writing = state.ledger('2026-W48', 'smtp').recordMany([sentEntry(email)]);
      expect(await settled(writing)).toBe(false);
      await forget.query('COMMIT');
      await writing;
    } finally {
      forget.release();
    }
    expect(await rowsFor(email)).toBe(0);
    // Other readers' rows are written as before.
    await state.ledger('2026-W48', 'smtp').recordMany([sentEntry('kept@example.com')]);
    expect(await rowsFor('kept@example.com')).toBe(1);
  });
});
