import { openPostgres } from '../db/postgres.js';
import { RolecastError } from '../errors.js';
import { openExistingStateDb } from '../send/store.js';
import type { StateLocation } from '../state/location.js';
import { type AnalyticsStore, sqliteAnalyticsStore } from './store.js';
import { migrateAnalyticsPg, postgresAnalyticsStore } from './store-postgres.js';

/** The analytics store where the state lives, for reading reports; refuses a state file that does not exist yet. */
export async function openAnalyticsAt(
  location: StateLocation,
): Promise<{ store: AnalyticsStore; close(): Promise<void> }> {
  if (location.kind === 'sqlite') {
    // The light check: a report only reads, and the full page check costs about a second per 100k rows.
    const db = openExistingStateDb(location.file, 'light');
    if (!db)
      throw new RolecastError('E_USAGE', `nothing has been sent yet: there is no state file at ${location.file}`);
    return {
      store: sqliteAnalyticsStore(db),
      close: async () => {
        db.close();
      },
    };
  }
  const pool = await openPostgres(location.url, { max: 4, applicationName: 'rolecast report' });
  try {
    await migrateAnalyticsPg(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return { store: postgresAnalyticsStore(pool), close: () => pool.end() };
}
