import { describe } from 'vitest';
import { describePostgres } from '../helpers/postgres.js';
import { postgresBackend, sqliteBackend } from './_backends.js';
import { contractTests } from './_contract.js';

/** The storage contract, the same tests against each backend. */

describe('state contract on SQLite', () => {
  contractTests(sqliteBackend());
});

describePostgres('state contract on PostgreSQL', () => {
  contractTests(postgresBackend('contract'));
});
