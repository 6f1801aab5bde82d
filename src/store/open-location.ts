import { canonicalAddress } from '../address.js';
import { openPostgres } from '../db/postgres.js';
import { isSuppressed, openStateDb, suppressionChecker } from '../send/store.js';
import type { StateLocation } from '../state/location.js';
import { hashedAddress } from './hash.js';
import { migrateSubscriberStorePg, postgresSubscriberStore } from './postgres.js';
import { sqliteSubscriberStore } from './sqlite.js';
import type { SubscriberStore } from './types.js';

/** The store where the state lives (a SQLite file or PostgreSQL), with the suppression list beside it. */
export interface LocatedStore {
  store: SubscriberStore;
  isSuppressed(email: string): Promise<boolean>;
  /** The whole list read once, for checking many addresses (an import). */
  suppressionChecker(): Promise<(email: string) => boolean>;
  close(): Promise<void>;
}

export async function openSubscriberStoreAt(location: StateLocation): Promise<LocatedStore> {
  if (location.kind === 'sqlite') {
    const db = openStateDb(location.file);
    return {
      store: sqliteSubscriberStore(db),
      isSuppressed: async (email) => isSuppressed(db, email),
      suppressionChecker: async () => suppressionChecker(db),
      close: async () => {
        db.close();
      },
    };
  }
  const pool = await openPostgres(location.url, { max: 2, applicationName: 'rolecast subscribers' });
  try {
    await migrateSubscriberStorePg(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return {
    store: postgresSubscriberStore(pool),
    async isSuppressed(email) {
      const found = await pool.query('SELECT 1 FROM suppressions WHERE email = ANY($1::text[])', [
        [canonicalAddress(email), hashedAddress(email)],
      ]);
      return (found.rowCount ?? 0) > 0;
    },
    async suppressionChecker() {
      const { rows } = await pool.query<{ email: string }>('SELECT email FROM suppressions');
      const set = new Set(rows.map((r) => r.email));
      return (email) => set.has(canonicalAddress(email)) || set.has(hashedAddress(email));
    },
    close: () => pool.end(),
  };
}
