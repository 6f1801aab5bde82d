import { join, resolve } from 'node:path';
import type { Environment } from '../config/env.js';
import type { ResolvedConfig } from '../config/schema.js';
import { isPostgresUrl, redactDatabaseUrl } from '../db/postgres.js';
import { RolecastError } from '../errors.js';

/**
 * Where the state lives: one SQLite file on this host (the default), or a PostgreSQL database that
 * every `send` worker and `serve` replica shares. DATABASE_URL wins over `database.url` in the
 * config; `--state FILE` names a SQLite file and cannot be combined with a database URL.
 */
export type StateLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export function stateLocation(
  config: Pick<ResolvedConfig, 'database' | 'stateDirAbs'>,
  env: Pick<Environment, 'databaseUrl'>,
  cwd: string,
  stateFile?: string,
): StateLocation {
  const url = env.databaseUrl ?? config.database.url;
  if (url !== undefined && !isPostgresUrl(url))
    throw new RolecastError('E_USAGE', `DATABASE_URL is not a postgres:// URL (${redactDatabaseUrl(url)})`, {
      hint: 'set DATABASE_URL=postgres://user@host:5432/database, or unset it to use the SQLite state file',
    });
  if (url && stateFile)
    throw new RolecastError('E_USAGE', '--state names a SQLite file, but DATABASE_URL selects PostgreSQL', {
      hint: 'drop --state, or unset DATABASE_URL for this command',
    });
  if (url) return { kind: 'postgres', url };
  return { kind: 'sqlite', file: stateFile ? resolve(cwd, stateFile) : join(config.stateDirAbs, 'state.db') };
}

/** How a location is named in messages: the file, or the database URL without its password. */
export function describeLocation(location: StateLocation): string {
  return location.kind === 'sqlite' ? location.file : redactDatabaseUrl(location.url);
}
