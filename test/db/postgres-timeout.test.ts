import { expect, it } from 'vitest';
import { databaseTimeouts, openPostgres, transaction } from '../../src/db/postgres.js';
import { RolecastError } from '../../src/errors.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

it('takes the timeouts from the URL first, then the options, then the defaults', () => {
  expect(databaseTimeouts('postgres://h/db?statement_timeout=250&connect_timeout=3')).toMatchObject({
    statementMs: 250,
    connectionMs: 3000,
  });
  expect(databaseTimeouts('postgres://h/db', { statementTimeoutMs: 900 }).statementMs).toBe(900);
  const defaults = databaseTimeouts('postgres://h/db');
  expect(defaults.statementMs).toBeGreaterThan(0);
  expect(defaults.queryMs).toBeGreaterThan(defaults.statementMs);
});

describePostgres('a database that stops answering', () => {
  const databaseUrl = useFreshDatabase('timeout');

  it('cancels a statement beyond statement_timeout and reports E_STATE_UNAVAILABLE with a hint', async () => {
    const pool = await openPostgres(databaseUrl(), { statementTimeoutMs: 200, max: 1 });
    try {
      const error = await pool.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RolecastError);
      expect((error as RolecastError).code).toBe('E_STATE_UNAVAILABLE');
      expect((error as RolecastError).hint).toMatch(/statement_timeout/);
      // A checked-out client (a transaction) is bounded the same way.
      const inTx = await transaction(pool, (client) => client.query('SELECT pg_sleep(5)')).catch((e: unknown) => e);
      expect((inTx as RolecastError).code).toBe('E_STATE_UNAVAILABLE');
      // Other errors pass through untouched.
      const syntax = await pool.query('SELEC 1').catch((e: unknown) => e);
      expect(syntax).not.toBeInstanceOf(RolecastError);
      expect((syntax as { code?: string }).code).toBe('42601');
    } finally {
      await pool.end();
    }
  });

  it('reads statement_timeout from DATABASE_URL', async () => {
    const url = new URL(databaseUrl());
    url.searchParams.set('statement_timeout', '150');
    const pool = await openPostgres(url.toString(), { max: 1 });
    try {
      const { rows } = await pool.query<{ statement_timeout: string }>('SHOW statement_timeout');
      expect(rows[0]?.statement_timeout).toBe('150ms');
      const error = await pool.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
      expect((error as RolecastError).code).toBe('E_STATE_UNAVAILABLE');
    } finally {
      await pool.end();
    }
  });
});
