import type { Pool, PoolClient } from 'pg';
import { RolecastError } from '../errors.js';

/**
 * PostgreSQL, for state that several hosts share (`DATABASE_URL=postgres://…`). `pg` is loaded on
 * first use: commands that only touch a SQLite state file never pay for it.
 */
export type { Pool, PoolClient } from 'pg';

/** True for the URLs the PostgreSQL backend takes. */
export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** postgres://user:secret@host/db → postgres://user:***@host/db, for anything a human reads. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://***';
  }
}

export interface PoolOptions {
  /** Connections this process may hold at once. */
  max?: number | undefined;
  applicationName?: string | undefined;
}

/** A connection pool; the first query proves the server is reachable (E_STATE_UNAVAILABLE if not). */
export async function openPostgres(url: string, options: PoolOptions = {}): Promise<Pool> {
  const { default: pg } = await import('pg');
  // BIGINT counts come back as strings by default; ours fit a JS number.
  pg.types.setTypeParser(20, (value: string) => Number(value));
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'rolecast',
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that loses its server emits 'error' on the pool; unhandled, it would kill the process.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (cause) {
    await pool.end().catch(() => {});
    throw new RolecastError('E_STATE_UNAVAILABLE', `cannot reach the database at ${redactDatabaseUrl(url)}`, {
      hint: 'check DATABASE_URL (host, port, user, database) and that the server is running; nothing was sent',
      cause,
    });
  }
  return pool;
}

/** One versioned step of a component's schema. Steps never change once released: add a new one. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const LEDGER = `CREATE TABLE IF NOT EXISTS rolecast_migrations (
  component TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (component, version)
)`;

/**
 * Applies a component's migrations that this database has not seen, each in its own transaction.
 * An advisory lock serialises hosts starting at once, so two replicas never run a step twice.
 * Returns the versions applied now.
 */
export async function migrate(pool: Pool, component: string, migrations: readonly Migration[]): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query(LEDGER).catch(async (error: unknown) => {
      // Two hosts creating the table at the same instant: one loses the race on the catalog's unique index.
      if ((error as { code?: string }).code !== '23505') throw error;
    });
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`rolecast:${component}`]);
    try {
      const done = await client.query<{ version: number }>(
        'SELECT version FROM rolecast_migrations WHERE component = $1',
        [component],
      );
      const seen = new Set(done.rows.map((r) => r.version));
      const newest = Math.max(0, ...seen);
      const known = Math.max(0, ...migrations.map((m) => m.version));
      if (newest > known)
        throw new RolecastError(
          'E_STATE_DAMAGED',
          `the database holds ${component} schema version ${newest}, newer than this rolecast knows (${known})`,
          { hint: 'upgrade rolecast on this host to the version the other hosts run; nothing was changed' },
        );
      for (const step of [...migrations].sort((a, b) => a.version - b.version)) {
        if (seen.has(step.version)) continue;
        await inTransaction(client, async () => {
          await client.query(step.sql);
          await client.query('INSERT INTO rolecast_migrations (component, version, name) VALUES ($1, $2, $3)', [
            component,
            step.version,
            step.name,
          ]);
        });
        applied.push(step.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [`rolecast:${component}`]);
    }
  } finally {
    client.release();
  }
  return applied;
}

/** Runs `work` in one transaction on a client of its own; rolls back when it throws. */
export async function transaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await inTransaction(client, () => work(client));
  } finally {
    client.release();
  }
}

async function inTransaction<T>(client: PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
