import { openExistingStateDb, openStateDb, type StateDb } from '../send/store.js';
import { hasSubscriberStore, sqliteSubscriberStore } from './sqlite.js';
import type { AddressMove, Reader, SubscriberStore } from './types.js';

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
  return (await readStoredSubscribers(file))?.readers;
}

/** The stored readers and the addresses readers moved away from, for overlaying a subscribers file. */
export interface StoredSubscribers {
  readers: Reader[];
  moves: AddressMove[];
}

/** Like `readStoredReaders`, with the moves read in the same look. */
export async function readStoredSubscribers(file: string): Promise<StoredSubscribers | undefined> {
  const db = openExistingStateDb(file, 'light');
  if (!db) return undefined;
  try {
    if (!hasSubscriberStore(db)) return undefined;
    const store = sqliteSubscriberStore(db);
    return { readers: await store.list(), moves: await store.moves() };
  } finally {
    db.close();
  }
}
