import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { startUnsubscribeServer, type UnsubscribeServer } from '../../src/serve/index.js';
import { postgresLimiters } from '../../src/serve/readers/rate-limit-postgres.js';
import { postgresSuppressionList } from '../../src/serve/suppressions-postgres.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { serveConfig } from '../helpers/serve-project.js';

const SECRET = 'unavailable-test-secret-0123456789abcdef';
function deadPool(): pg.Pool {
  // Nothing listens on port 1: every query fails to connect.
  const dead = new pg.Pool({
    connectionString: 'postgres://rolecast@127.0.0.1:1/none',
    connectionTimeoutMillis: 2_000,
  });
  dead.on('error', () => {});
  return dead;
}

const config = serveConfig('weekly.rolecast.example', 'Rolecast');

let server: UnsubscribeServer | undefined;
let pool: pg.Pool | undefined;
afterEach(async () => {
  await server?.close();
  await pool?.end();
  server = undefined;
  pool = undefined;
});

it('answers 503 with Retry-After, never "done", when PostgreSQL does not answer an unsubscribe', async () => {
  pool = deadPool();
  const log: string[] = [];
  server = await startUnsubscribeServer({
    config,
    secret: SECRET,
    suppressions: postgresSuppressionList(pool),
    port: 0,
    log: (line) => log.push(line),
  });
  const token = signToken({ email: 'reader@example.com', listId: config.listId }, SECRET);
  const response = await fetch(`${server.url}?token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('60');
  expect(await response.text()).toContain('Please try again');
  expect(log.join('\n')).toMatch(/could not record the unsubscribe of r\S*@example\.com/);
});

it('signup limits fall back to counting in memory while PostgreSQL does not answer', async () => {
  pool = deadPool();
  const log: string[] = [];
  const limiter = postgresLimiters(pool, SECRET, (line) => log.push(line))('ip', 2, 3600_000, Date.now);
  expect([await limiter.take('1.2.3.4'), await limiter.take('1.2.3.4'), await limiter.take('1.2.3.4')]).toEqual([
    true,
    true,
    false,
  ]);
  expect(log).toHaveLength(1);
  expect(log[0]).toMatch(/counted per replica until the database answers/);
});
