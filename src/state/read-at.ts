import type { ResolvedConfig } from '../config/schema.js';
import { assertSchemaKnown, hasTable, type Migration, openPostgres, type Pool } from '../db/postgres.js';
import { RolecastError } from '../errors.js';
import { checkerOf, readSuppressionChecker } from '../send/store.js';
import { readStoredReaders, readStoredSubscribers, type StoredSubscribers } from '../store/open.js';
import { postgresSubscriberStore, SUBSCRIBER_MIGRATIONS } from '../store/postgres.js';
import type { Reader } from '../store/types.js';
import type { StateLocation } from './location.js';
import { STATE_MIGRATIONS } from './postgres-schema.js';

/**
 * Reads for the commands that only look at the state (`build`, `check`, the preview, a send's
 * audience): nothing is created or migrated, on either backend. A PostgreSQL database whose
 * tables do not exist yet reads as empty, like a missing state file; one whose schema a newer
 * release moved on is refused (E_STATE_NEWER) before any row is read, as a state file is.
 */

/** The components the readers and their moves live in. */
const READERS = { state: STATE_MIGRATIONS, subscribers: SUBSCRIBER_MIGRATIONS };

/** Every stored reader; undefined when the store does not exist yet. */
export async function readStoredReadersAt(location: StateLocation): Promise<Reader[] | undefined> {
  if (location.kind === 'sqlite') return readStoredReaders(location.file);
  return withPool(location.url, READERS, async (pool) =>
    (await hasTable(pool, 'readers')) ? postgresSubscriberStore(pool).list() : undefined,
  );
}

/** Every stored reader and the addresses readers moved away from; undefined when there is no store yet. */
export async function readStoredSubscribersAt(location: StateLocation): Promise<StoredSubscribers | undefined> {
  if (location.kind === 'sqlite') return readStoredSubscribers(location.file);
  return withPool(location.url, READERS, async (pool) => {
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
  return withPool(location.url, { state: STATE_MIGRATIONS }, async (pool) => {
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

/** Runs `work` on a pool of its own, once the components it reads are known to this release. */
export async function withPool<T>(
  url: string,
  components: Readonly<Record<string, readonly Migration[]>>,
  work: (pool: Pool) => Promise<T>,
): Promise<T> {
  const pool = await openPostgres(url, { max: 1, applicationName: 'rolecast read' });
  try {
    await assertSchemaKnown(pool, components);
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/**
 * A state this release must not read (a newer release moved it on, or the role may not use its
 * tables): a panel that skips an unreadable state quietly still passes this on, to be shown.
 */
export function isRefusedState(error: unknown): error is RolecastError {
  return error instanceof RolecastError && (error.code === 'E_STATE_NEWER' || error.code === 'E_STATE_DENIED');
}
