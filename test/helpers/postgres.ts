import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';

/** The cluster's superuser URL ('' when there is none; under CI the global setup already failed). */
export const postgresUrl = inject('postgresUrl');

if (!postgresUrl) console.warn(`note: PostgreSQL suites skipped: ${inject('postgresMissing')}`);

/** `describe` for suites that need PostgreSQL: skipped with a printed note only outside CI. */
export const describePostgres: typeof describe = (postgresUrl ? describe : describe.skip) as typeof describe;

/** `databaseUrl` with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A new empty database on the test cluster, and how to drop it again. */
export async function createDatabase(label = 'test'): Promise<{ url: string; drop(): Promise<void> }> {
  if (!postgresUrl) throw new Error('no PostgreSQL server for this test');
  const name = `rc_${label
    .replace(/[^a-z0-9_]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  await asAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: withDatabase(postgresUrl, name),
    drop: () => asAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/**
 * Call in a `describePostgres` body: each file (or suite) gets its own empty database, created
 * before its tests and dropped after, so suites running in parallel never see each other's rows.
 */
export function useFreshDatabase(label = 'test'): () => string {
  let created: { url: string; drop(): Promise<void> } | undefined;
  beforeAll(async () => {
    created = await createDatabase(label);
  });
  afterAll(async () => {
    await created?.drop();
  });
  return () => {
    if (!created) throw new Error('the database is created in beforeAll: read its URL inside a test or hook');
    return created.url;
  };
}

async function asAdmin(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Serve replicas a suite started, each with its reader pages, server and backend: closed in that order. */
export async function closeReplicas(
  replicas: readonly {
    readers: { close(): void };
    server: { close(): Promise<void> };
    backend: { close(): Promise<void> };
  }[],
  project?: { cleanup(): Promise<void> },
): Promise<void> {
  for (const r of replicas) {
    r.readers.close();
    await r.server.close();
    await r.backend.close();
  }
  await project?.cleanup();
}

/** Sessions of this database waiting for a lock (a write queued behind a test's LOCK TABLE or row lock). */
export async function lockWaiters(client: pg.Client): Promise<number> {
  const { rows } = await client.query(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
  );
  return Number(rows[0].n);
}
