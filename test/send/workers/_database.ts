import { afterAll, beforeAll } from 'vitest';
import { migrate, openPostgres, type Pool } from '../../../src/db/postgres.js';
import { migrateState } from '../../../src/state/postgres/index.js';
import { WORKER_MIGRATIONS } from '../../../src/state/postgres/queue-schema.js';
import { useFreshDatabase } from '../../helpers/postgres.js';

/**
 * A fresh database for a workers suite, with the state and workers tables made before any test
 * runs (each test may run alone with -t and clean up first), and a small pool for its checks.
 * Call inside a `describePostgres` body.
 */
export function useWorkerDatabase(label: string): { url: () => string; readonly pool: Pool } {
  const url = useFreshDatabase(label);
  let pool: Pool | undefined;
  beforeAll(async () => {
    pool = await openPostgres(url(), { max: 2 });
    await migrateState(pool);
    await migrate(pool, 'workers', WORKER_MIGRATIONS);
  });
  afterAll(async () => {
    await pool?.end();
  });
  return {
    url,
    get pool() {
      if (!pool) throw new Error('the workers database is opened in beforeAll');
      return pool;
    },
  };
}
