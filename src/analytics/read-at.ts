import { join } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import { hasTable } from '../db/postgres.js';
import { openExistingStateDb } from '../send/store.js';
import type { StateLocation } from '../state/location.js';
import { STATE_MIGRATIONS } from '../state/postgres-schema.js';
import { withPool } from '../state/read-at.js';
import { type AnalyticsStore, sqliteAnalyticsStore } from './store.js';
import { ANALYTICS_MIGRATIONS, postgresAnalyticsStore } from './store-postgres.js';

/**
 * Runs `work` on the analytics store where the state lives, read-only: a state file opened
 * read-only, or PostgreSQL without migrating. Undefined when nothing was recorded there yet.
 */
export async function readAnalyticsAt<T>(
  config: Pick<ResolvedConfig, 'stateDirAbs'>,
  at: string | StateLocation | undefined,
  work: (store: AnalyticsStore) => Promise<T | undefined>,
): Promise<T | undefined> {
  if (typeof at === 'object' && at.kind === 'postgres')
    return withPool(at.url, { state: STATE_MIGRATIONS, analytics: ANALYTICS_MIGRATIONS }, async (pool) =>
      (await hasTable(pool, 'issue_variants')) ? work(postgresAnalyticsStore(pool)) : undefined,
    );
  const file = (typeof at === 'object' ? at.file : at) ?? join(config.stateDirAbs, 'state.db');
  const db = openExistingStateDb(file, 'light');
  if (!db) return undefined;
  try {
    return await work(sqliteAnalyticsStore(db));
  } finally {
    db.close();
  }
}
