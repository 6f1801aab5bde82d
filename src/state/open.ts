import { join } from 'node:path';
import { openPostgres } from '../db/postgres.js';
import { assertLogWhole, assertStateFileCreatable } from '../send/state-file.js';
import { openExistingStateDb, openStateDb } from '../send/store.js';
import type { StateStore } from './contract.js';
import type { StateLocation } from './location.js';
import { migrateState, postgresState } from './postgres/index.js';
import { sqliteState } from './sqlite/index.js';
import { assertNotLost } from './sqlite/path-note.js';

export interface OpenStateOptions {
  /** SQLite test hook: how many pages the file may grow by (see `openStateDb`). */
  growthLimitPages?: number | undefined;
  /**
   * A folder on this host for the side file of a stopped run (PostgreSQL only; a SQLite state
   * file keeps it beside itself).
   */
  localDir?: string | undefined;
  /** Connections this process may hold (PostgreSQL). */
  maxConnections?: number | undefined;
}

/**
 * Opens the state for writing, creating or migrating it as needed: the SQLite file (checked first,
 * see src/send/state-file.ts) or the PostgreSQL database (E_STATE_UNAVAILABLE when unreachable).
 */
export async function openState(location: StateLocation, options: OpenStateOptions = {}): Promise<StateStore> {
  if (location.kind === 'sqlite') {
    const db = openStateDb(location.file, { growthLimitPages: options.growthLimitPages });
    return sqliteState(db, db.name);
  }
  const pool = await openPostgres(location.url, { max: options.maxConnections });
  try {
    await migrateState(pool);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return postgresState(pool, location.url, { sideFileBase: sideFileBase(options) });
}

/**
 * Opens the state to read it: a SQLite file is opened read-only and undefined when there is none
 * (nothing was ever recorded).
 */
export async function openExistingState(
  location: StateLocation,
  options: Pick<OpenStateOptions, 'localDir'> = {},
): Promise<StateStore | undefined> {
  if (location.kind === 'sqlite') {
    const db = openExistingStateDb(location.file);
    return db && sqliteState(db, db.name);
  }
  // The tables are created when missing: on a shared server that is harmless, and every host
  // then reads an empty ledger the same way.
  return openState(location, { ...options, maxConnections: 2 });
}

/**
 * The state as a dry run reads it: the existing state, if any, and never a new one; where there is
 * no SQLite file yet, its folder is checked as the real run would need it (see
 * `assertStateFileCreatable`), so a rehearsal that passes is a run that can record what it sends.
 */
export async function openStateToRehearse(
  location: StateLocation,
  options: Pick<OpenStateOptions, 'localDir'> = {},
): Promise<StateStore | undefined> {
  const store = await openExistingState(location, options);
  if (!store && location.kind === 'sqlite') {
    // A rehearsal stops where the real run would: no new file where one holding records was.
    assertNotLost(location.file);
    // A folder where SQLite keeps the log beside it, or a send's copy left unfinished: refused too.
    assertLogWhole(location.file);
    assertStateFileCreatable(location.file);
  }
  return store;
}

function sideFileBase(options: Pick<OpenStateOptions, 'localDir'>): string | undefined {
  return options.localDir && postgresSideFileBase(options.localDir);
}

/** With PostgreSQL, a stopped run's side file lives in this host's state folder under this name. */
export function postgresSideFileBase(localDir: string): string {
  return join(localDir, 'postgres-state');
}
