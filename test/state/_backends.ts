import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeEach } from 'vitest';
import type { StateStore } from '../../src/state/contract.js';
import type { StateLocation } from '../../src/state/location.js';
import { openState } from '../../src/state/open.js';
import { useFreshDatabase } from '../helpers/postgres.js';

/**
 * One fixture per backend for the shared contract suite: each test gets an empty state and a way
 * to read or plant rows behind the contract's back (literal SQL both engines understand).
 */
export interface Backend {
  name: 'sqlite' | 'postgres';
  location(): StateLocation;
  /** A folder of this test's own, for side files. */
  dir(): string;
  /** The store under test, opened fresh for this test (closed after it). */
  open(): Promise<StateStore>;
  /** Rows of a query run directly on the database. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  exec(sql: string): Promise<void>;
}

const TABLES = ['deliveries', 'runs', 'suppressions', 'locks', 'schedule_waves', 'issue_variants', 'issue_summaries'];

function common(location: () => StateLocation, dir: () => string) {
  const opened: StateStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close().catch(() => {});
  });
  return async () => {
    const store = await openState(location(), { localDir: dir() });
    opened.push(store);
    return store;
  };
}

/** Call in a `describe` body: a new SQLite state file per test. */
export function sqliteBackend(): Backend {
  let folder = '';
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'rolecast-state-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  const location = (): StateLocation => ({ kind: 'sqlite', file: join(folder, 'state.db') });
  const open = common(location, () => folder);
  const withDb = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(join(folder, 'state.db'));
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    name: 'sqlite',
    location,
    dir: () => folder,
    open,
    rows: async (sql) => withDb((db) => db.prepare(sql).all() as Record<string, unknown>[]),
    exec: async (sql) => withDb((db) => void db.exec(sql)),
  };
}

/** Call in a `describePostgres` body: one database for the file, emptied before each test. */
export function postgresBackend(label: string): Backend {
  const url = useFreshDatabase(label);
  let folder = '';
  let client: pg.Client | undefined;
  const connect = async () => {
    if (!client) {
      client = new pg.Client({ connectionString: url() });
      await client.connect();
    }
    return client;
  };
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'rolecast-state-pg-'));
    // The tables exist once a store has been opened; empty them for this test.
    const c = await connect();
    const existing = await c.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    const names = existing.rows.map((r) => r.tablename).filter((t) => TABLES.includes(t));
    if (names.length > 0) await c.query(`TRUNCATE ${names.join(', ')}`);
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  afterAll(async () => {
    await client?.end();
  });
  const location = (): StateLocation => ({ kind: 'postgres', url: url() });
  return {
    name: 'postgres',
    location,
    dir: () => folder,
    open: common(location, () => folder),
    rows: async (sql) => (await (await connect()).query(sql)).rows as Record<string, unknown>[],
    exec: async (sql) => {
      await (await connect()).query(sql);
    },
  };
}
