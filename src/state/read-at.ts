import type { ResolvedConfig } from '../config/schema.js';
import { openPostgres, type Pool } from '../db/postgres.js';
import { checkerOf, readSuppressionChecker } from '../send/store.js';
import { readStoredReaders, readStoredSubscribers, type StoredSubscribers } from '../store/open.js';
import { postgresSubscriberStore } from '../store/postgres.js';
import type { Reader } from '../store/types.js';
import type { StateLocation } from './location.js';

/**
 * Reads for the commands that only look at the state (`build`, `check`, the preview, a send's
 * audience): nothing is created or migrated, on either backend. A PostgreSQL database whose
 * tables do not exist yet reads as empty, like a missing state file.
 */

/** Every stored reader; undefined when the store does not exist yet. */
export async function readStoredReadersAt(location: StateLocation): Promise<Reader[] | undefined> {
  if (location.kind === 'sqlite') return readStoredReaders(location.file);
  return withPool(location.url, async (pool) =>
    (await hasTable(pool, 'readers')) ? postgresSubscriberStore(pool).list() : undefined,
  );
}

/** Every stored reader and the addresses readers moved away from; undefined when there is no store yet. */
export async function readStoredSubscribersAt(location: StateLocation): Promise<StoredSubscribers | undefined> {
  if (location.kind === 'sqlite') return readStoredSubscribers(location.file);
  return withPool(location.url, async (pool) => {
    if (!(await hasTable(pool, 'readers'))) return undefined;
    const store = postgresSubscriberStore(pool);
    return { readers: await store.list(), moves: await store.moves() };
  });
}

/** The suppression list as one lookup, read once. */
export async function readSuppressionCheckerAt(
  config: ResolvedConfig,
  location: StateLocation,
): Promise<(email: string) => boolean> {
  if (location.kind === 'sqlite') return readSuppressionChecker(config, location.file);
  return withPool(location.url, async (pool) => {
    if (!(await hasTable(pool, 'suppressions'))) return () => false;
    const { rows } = await pool.query<{ email: string }>('SELECT email FROM suppressions');
    return checkerOf(rows.map((r) => r.email));
  });
}

/** The suppressions where the project's state lives (the state file by default). */
export async function suppressionsOf(project: {
  config: ResolvedConfig;
  state?: StateLocation | undefined;
}): Promise<(email: string) => boolean> {
  return project.state
    ? readSuppressionCheckerAt(project.config, project.state)
    : readSuppressionChecker(project.config);
}

export async function withPool<T>(url: string, work: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = await openPostgres(url, { max: 1, applicationName: 'rolecast read' });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

export async function hasTable(pool: Pool, table: string): Promise<boolean> {
  const { rows } = await pool.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]);
  return rows[0]?.found != null;
}
