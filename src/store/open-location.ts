import { canonicalAddress } from '../address.js';
import { openPostgres } from '../db/postgres.js';
import { isSuppressed, openStateDb, suppressionChecker } from '../send/store.js';
import type { StateLocation } from '../state/location.js';
import { eraseFromSideFiles } from './erase-side-files.js';
import { HASHED_PREFIX, hashedAddress } from './hash.js';
import { type FileFieldNote, noteFileFields } from './overlay.js';
import { migrateSubscriberStorePg, postgresSubscriberStore } from './postgres.js';
import { sqliteSubscriberStore } from './sqlite.js';
import type { SubscriberStore } from './types.js';

/** The store where the state lives (a SQLite file or PostgreSQL), with the suppression list beside it. */
export interface LocatedStore {
  store: SubscriberStore;
  isSuppressed(email: string): Promise<boolean>;
  /** The whole list read once, for checking many addresses (an import). */
  suppressionChecker(): Promise<(email: string) => boolean>;
  /** The hashed entries `subscribers forget` left, read once: such an address is never stored again. */
  erasureChecker(): Promise<(email: string) => boolean>;
  /** After `forget`: the files beside a SQLite state file that name readers in plain (see erase-side-files.ts). */
  eraseBeside?(emails: readonly string[], now: Date): Promise<{ rescueCopies: string[] }>;
  close(): Promise<void>;
}

export async function openSubscriberStoreAt(location: StateLocation): Promise<LocatedStore> {
  if (location.kind === 'sqlite') {
    const db = openStateDb(location.file);
    return {
      store: sqliteSubscriberStore(db),
      isSuppressed: async (email) => isSuppressed(db, email),
      suppressionChecker: async () => suppressionChecker(db),
      erasureChecker: async () =>
        erasedOf(db.prepare(`SELECT email FROM suppressions WHERE email LIKE '${HASHED_PREFIX}%'`).pluck().all()),
      eraseBeside: async (emails, now) => eraseFromSideFiles(db, location.file, emails, now),
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
    async erasureChecker() {
      const { rows } = await pool.query<{ email: string }>('SELECT email FROM suppressions WHERE email LIKE $1', [
        `${HASHED_PREFIX}%`,
      ]);
      return erasedOf(rows.map((r) => r.email));
    },
    close: () => pool.end(),
  };
}

function erasedOf(keys: readonly unknown[]): (email: string) => boolean {
  const hashed = new Set(keys);
  return (email) => hashed.size > 0 && hashed.has(hashedAddress(email));
}

/**
 * Stores what a send read in its subscribers file for fields readers set (see `noteFileFields`).
 * A state that cannot be written now is no reason to hold the send: the next one notes them.
 */
export async function noteFileFieldsAt(
  location: StateLocation,
  notes: readonly FileFieldNote[],
  now: Date,
  log: (line: string) => void,
): Promise<void> {
  try {
    const located = await openSubscriberStoreAt(location);
    try {
      await noteFileFields(located.store, notes, now);
    } finally {
      await located.close();
    }
  } catch (error) {
    log(
      `could not note what the subscribers file says for fields readers set themselves (${error instanceof Error ? error.message : String(error)}); the next send notes them`,
    );
  }
}
