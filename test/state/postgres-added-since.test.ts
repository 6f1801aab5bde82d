import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgres, type Pool } from '../../src/db/postgres.js';
import { watchSuppressions } from '../../src/send/late-suppressions.js';
import { migrateState, postgresState } from '../../src/state/postgres/index.js';
import { describePostgres, postgresUrl, useFreshDatabase } from '../helpers/postgres.js';

/**
 * Suppressions added during a send, as PostgreSQL tells them (by the transaction that wrote them):
 * an open transaction anywhere on the server, or a database restored behind the cursor, must
 * neither lose an entry nor make the send's list grow with each check.
 */
describePostgres('PostgreSQL: suppressions added since a cursor', () => {
  const url = useFreshDatabase('added_since');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(url(), { max: 4 });
    await migrateState(pool);
  });
  afterAll(async () => {
    await pool?.end();
  });

  const insert = (emails: string[]) =>
    pool.query(
      `INSERT INTO suppressions (email, reason, source, created_at)
       SELECT e, 'unsubscribe', 'one-click', '2026-12-01T00:00:00Z' FROM unnest($1::text[]) AS e`,
      [emails],
    );

  it('keep each address once while a transaction elsewhere on the server stays open', async () => {
    const store = postgresState(pool, url(), { ownsPool: false });
    // A session of another database holding a transaction id pins the server's snapshot xmin.
    const open = new pg.Client({ connectionString: postgresUrl });
    await open.connect();
    await open.query('BEGIN');
    await open.query('SELECT pg_current_xact_id()');
    try {
      const cursor = (await store.suppressions.addedSince(undefined)).cursor;
      const late = watchSuppressions(store.suppressions, cursor, { everyMs: 20, log: () => {} });
      const emails = Array.from({ length: 500 }, (_, i) => `late${i}@example.com`);
      await insert(emails);
      // The store hands the same rows back on every check: the watcher keeps each address once.
      const again = await store.suppressions.addedSince((await store.suppressions.addedSince(cursor)).cursor);
      expect(again.added.length).toBe(500);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(late.known).toBe(500);
      expect(late.reason('late499@example.com')).toBe('unsubscribe');
      late.stop();
    } finally {
      await open.query('ROLLBACK');
      await open.end();
    }
  });

  it('hand back the whole list to a cursor ahead of the server, as after a restore from a backup', async () => {
    const store = postgresState(pool, url(), { ownsPool: false });
    await insert(['restored@example.com']);
    const { rows } = await pool.query<{ ahead: string }>(
      'SELECT (pg_current_xact_id()::text::bigint + 100000)::text AS ahead',
    );
    const found = await store.suppressions.addedSince(rows[0]!.ahead);
    expect(found.added.map((row) => row.email)).toContain('restored@example.com');
    // The cursor it returns is the server's own: the next check hands back only what is new.
    expect(BigInt(found.cursor)).toBeLessThan(BigInt(rows[0]!.ahead));
  });
});
