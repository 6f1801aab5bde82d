import type { AnalyticsStore } from '../analytics/store.js';
import { sqliteAnalyticsStore } from '../analytics/store.js';
import { migrateAnalyticsPg, postgresAnalyticsStore } from '../analytics/store-postgres.js';
import type { BounceStore } from '../bounces/store.js';
import { migrateBounceStorePg, postgresBounceStore } from '../bounces/store-postgres.js';
import { sqliteBounceStore } from '../bounces/store-sqlite.js';
import { migrate, openPostgres } from '../db/postgres.js';
import { openStateDb } from '../send/store.js';
import type { StateLocation } from '../state/location.js';
import { closeStateDb, fileMoved } from '../state/sqlite/file-in-place.js';
import { logMarkFailures, marksPending, retryMarks } from '../state/sqlite/generation.js';
import { indexMappedWatch } from '../state/sqlite/index-mapped.js';
import { beforeEachCall, settlingAfterEach } from '../state/sqlite/settle.js';
import { migrateSubscriberStorePg, postgresSubscriberStore } from '../store/postgres.js';
import { sqliteSubscriberStore } from '../store/sqlite.js';
import type { SubscriberStore } from '../store/types.js';
import { SERVE_MIGRATIONS } from './postgres-schema.js';
import { type LimiterFactory, postgresLimiters } from './readers/rate-limit-postgres.js';
import { DEFAULT_WRITE_WAIT_MS, type SuppressionList, stateSuppressionList } from './suppressions.js';
import { postgresSuppressionList } from './suppressions-postgres.js';
import { postgresTokenBindings, type TokenBindings } from './webhooks/tokens.js';

/**
 * Everything `serve` stores, on one backend: the SQLite state file of this host, or a PostgreSQL
 * database that any number of `serve` replicas (and `send` workers) share. On PostgreSQL the
 * schema is brought up to date at start; two replicas starting at once migrate it once.
 */
export interface ServeBackend {
  kind: StateLocation['kind'];
  store: SubscriberStore;
  suppressions: SuppressionList;
  analytics: AnalyticsStore;
  bounces: BounceStore;
  /** Signup limits shared by the replicas (PostgreSQL); undefined: each process counts its own. */
  limiters: LimiterFactory | undefined;
  /** Mailgun token bindings shared by the replicas (PostgreSQL); undefined: in this process's memory. */
  tokenBindings: TokenBindings | undefined;
  close(): Promise<void>;
}

export interface ServeBackendOptions {
  /** Connections one replica holds at most (PostgreSQL). */
  poolSize?: number;
  /** Keys of the shared rate limits are stored as an HMAC with it. */
  secret: string;
  log?: (line: string) => void;
}

export const DEFAULT_SERVE_POOL_SIZE = 10;

export async function openServeBackend(location: StateLocation, options: ServeBackendOptions): Promise<ServeBackend> {
  if (location.kind === 'sqlite') {
    const db = openStateDb(location.file);
    const moved = fileMoved(db.name);
    const unmapped = indexMappedWatch(db.name);
    // Every use of the file is refused, with what to do, while its index cannot be used (no SIGBUS);
    // an unsubscribe is journaled then (suppressions.ts).
    const usable = () => {
      const error = unmapped();
      if (error) throw error;
    };
    logMarkFailures(db, options.log);
    if (marksPending(db))
      options.log?.(
        `notice: the state file ${db.name} was being written by another command as serve started, so the marks that tie its write-ahead log to it are not all in it yet: serve adds them at its next write once that command lets go`,
      );
    return {
      kind: 'sqlite',
      // What readers are told is done is copied into the file at once (see settle.ts).
      store: beforeEachCall(settlingAfterEach(db, sqliteSubscriberStore(db), moved), usable),
      suppressions: settlingAfterEach(db, stateSuppressionList(db), moved, unmapped),
      // Clicks are not settled, but a click is a write: the marks a locked file kept out go in first.
      analytics: beforeEachCall(sqliteAnalyticsStore(db), () => {
        usable();
        retryMarks(db);
      }),
      bounces: beforeEachCall(
        settlingAfterEach(db, sqliteBounceStore(db, { busyWaitMs: DEFAULT_WRITE_WAIT_MS }), moved),
        usable,
      ),
      limiters: undefined,
      tokenBindings: undefined,
      close: async () => closeStateDb(db, moved),
    };
  }
  const pool = await openPostgres(location.url, {
    max: options.poolSize ?? DEFAULT_SERVE_POOL_SIZE,
    applicationName: 'rolecast serve',
  });
  try {
    await migrateSubscriberStorePg(pool);
    await migrateAnalyticsPg(pool);
    await migrateBounceStorePg(pool);
    await migrate(pool, 'serve', SERVE_MIGRATIONS);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return {
    kind: 'postgres',
    store: postgresSubscriberStore(pool),
    suppressions: postgresSuppressionList(pool),
    analytics: postgresAnalyticsStore(pool),
    bounces: postgresBounceStore(pool),
    limiters: postgresLimiters(pool, options.secret, options.log),
    tokenBindings: postgresTokenBindings(pool),
    close: () => pool.end(),
  };
}
