import { afterAll, beforeAll } from 'vitest';
import { openPostgres, type Pool } from '../../src/db/postgres.js';
import { postgresSuppressionList } from '../../src/serve/suppressions-postgres.js';
import { migrateSubscriberStorePg, postgresSubscriberStore } from '../../src/store/postgres.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { describeStoreContract } from './_contract.js';

describePostgres('PostgreSQL subscriber store', () => {
  const databaseUrl = useFreshDatabase('store');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(databaseUrl(), { max: 4 });
    await migrateSubscriberStorePg(pool);
  });
  afterAll(() => pool?.end());

  describeStoreContract('PostgreSQL', async () => {
    // Each test starts from empty tables in the suite's own database.
    await pool.query('TRUNCATE readers, reader_audit, suppressions, deliveries');
    const suppressions = postgresSuppressionList(pool);
    return {
      store: postgresSubscriberStore(pool),
      isSuppressed: async (email) => suppressions.isSuppressed(email),
      close: async () => {},
    };
  });
});
