import { openPostgres } from '../db/postgres.js';
import { openExistingStateDb, openStateDb } from '../send/store.js';
import type { StateLocation } from '../state/location.js';
import type { BounceStore } from './store.js';
import { migrateBounceStorePg, postgresBounceStore } from './store-postgres.js';
import { sqliteBounceStore } from './store-sqlite.js';

/**
 * The bounce store where the state lives. `read`: for listing only; a SQLite state file is opened
 * read-only and a missing one gives undefined (nothing recorded yet).
 */
export async function openBounceStoreAt(
  location: StateLocation,
  options: { read?: boolean; growthLimitPages?: number | undefined } = {},
): Promise<{ store: BounceStore; close(): Promise<void> } | undefined> {
  if (location.kind === 'sqlite') {
    const db = options.read
      ? openExistingStateDb(location.file)
      : openStateDb(location.file, { growthLimitPages: options.growthLimitPages });
    if (!db) return undefined;
    return {
      store: sqliteBounceStore(db, { readonly: options.read === true }),
      close: async () => {
        db.close();
      },
    };
  }
  const pool = await openPostgres(location.url, { max: 4, applicationName: 'rolecast bounces' });
  try {
    await migrateBounceStorePg(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return { store: postgresBounceStore(pool), close: () => pool.end() };
}
