import { openExistingStateDb, openStateDb, type StateDb } from '../send/store.js';
import { hasSubscriberStore, sqliteSubscriberStore } from './sqlite.js';
import type { Reader, SubscriberStore } from './types.js';

/** The store in a state file, opened for writing (created and migrated when needed). */
export interface OpenStore {
  store: SubscriberStore;
  db: StateDb;
  close(): void;
}

export function openSubscriberStore(file: string): OpenStore {
  const db = openStateDb(file);
  return { store: sqliteSubscriberStore(db), db, close: () => db.close() };
}

/**
 * Every stored reader, read without writing anything: undefined when there is no state file or it
 * has no store yet (written by an older version and not opened for writing since).
 */
export async function readStoredReaders(file: string): Promise<Reader[] | undefined> {
  const db = openExistingStateDb(file, 'light');
  if (!db) return undefined;
  try {
    return hasSubscriberStore(db) ? await sqliteSubscriberStore(db).list() : undefined;
  } finally {
    db.close();
  }
}
