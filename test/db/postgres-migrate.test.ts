import { afterAll, expect, it } from 'vitest';
import { migrate, openPostgres, type Pool } from '../../src/db/postgres.js';
import { STATE_MIGRATIONS } from '../../src/state/postgres-schema.js';
import { createDatabase, describePostgres, useFreshDatabase } from '../helpers/postgres.js';

describePostgres('PostgreSQL migrations', () => {
  const databaseUrl = useFreshDatabase('migrate');
  const pools: Pool[] = [];
  afterAll(async () => {
    for (const pool of pools) await pool.end();
  });

  it('applies each step once, even when several hosts start at the same time', async () => {
    for (let i = 0; i < 4; i++) pools.push(await openPostgres(databaseUrl(), { max: 2 }));
    const applied = await Promise.all(pools.map((pool) => migrate(pool, 'state', STATE_MIGRATIONS)));
    expect(applied.flat()).toEqual(STATE_MIGRATIONS.map((m) => m.version));
    const tables = await pools[0]!.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.rows.map((r) => r.tablename)).toEqual([
      'deliveries',
      'issue_summaries',
      'issue_variants',
      'locks',
      'reader_moves',
      'rolecast_migrations',
      'runs',
      'schedule_waves',
      'suppressions',
    ]);
    expect(await migrate(pools[0]!, 'state', STATE_MIGRATIONS)).toEqual([]);
  });

  it('lets hosts migrating different components at once create shared tables without a race', async () => {
    // Each round a fresh database: the race is in creating the migrations table and the shared tables.
    for (let round = 0; round < 5; round++) {
      const database = await createDatabase('migrate_race');
      const hosts: Pool[] = [];
      try {
        for (let i = 0; i < 6; i++) hosts.push(await openPostgres(database.url, { max: 1 }));
        const shared = 'CREATE TABLE IF NOT EXISTS shared_layout (id INT PRIMARY KEY)';
        await Promise.all(
          hosts.map((pool, i) => migrate(pool, `component${i % 3}`, [{ version: 1, name: 'shared', sql: shared }])),
        );
        const rows = await hosts[0]!.query('SELECT component FROM rolecast_migrations ORDER BY component');
        expect(rows.rows.map((r) => r.component)).toEqual(['component0', 'component1', 'component2']);
      } finally {
        for (const pool of hosts) await pool.end();
        await database.drop();
      }
    }
  });

  it('refuses a database whose schema is newer than this version knows', async () => {
    const pool = pools[0]!;
    await migrate(pool, 'future', [{ version: 1, name: 'one', sql: 'CREATE TABLE future_one (id INT)' }]);
    await pool.query("INSERT INTO rolecast_migrations (component, version, name) VALUES ('future', 9, 'later')");
    await expect(migrate(pool, 'future', [{ version: 1, name: 'one', sql: 'SELECT 1' }])).rejects.toMatchObject({
      code: 'E_STATE_NEWER',
      message: expect.stringMatching(/schema version 9, newer than this rolecast knows \(1\)/),
    });
  });

  it("says why the server refused, with the URL's secrets taken out", async () => {
    const url = new URL(databaseUrl());
    url.pathname = '/no_such_database';
    url.searchParams.set('password', 'hunter2');
    const error = (await openPostgres(url.toString()).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('E_STATE_UNAVAILABLE');
    expect(error.message).toMatch(/\(database "no_such_database" does not exist\)/);
    expect(error.message).not.toContain('hunter2');
  });

  it('names the database without its password when it cannot be reached', async () => {
    await expect(openPostgres('postgres://someone:hunter2@127.0.0.1:1/none')).rejects.toThrow(
      /cannot reach the database at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/none/,
    );
  });
});
