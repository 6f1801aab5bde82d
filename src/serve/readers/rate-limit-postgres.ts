import { createHmac } from 'node:crypto';
import type { Pool } from '../../db/postgres.js';
import { fixedWindowLimiter, type RateLimiter } from './rate-limit.js';

/**
 * Makes the limiter of one scope (`ip`, `address`). `now` is this replica's clock: a shared
 * limiter counts windows by the database's instead (see `postgresLimiters`).
 */
export type LimiterFactory = (scope: string, limit: number, windowMs: number, now: () => number) => RateLimiter;

/** The database's clock in milliseconds: one for every replica. */
const DATABASE_NOW = '(extract(epoch from statement_timestamp()) * 1000)::bigint';

/** One in this many takes also deletes expired counters, so the table stays the size of one window. */
const SWEEP_EVERY = 500;

/**
 * The signup limits shared by every `serve` replica: one counter row per scope and key in
 * PostgreSQL, counted up in one atomic statement, so a script spreading its requests over the
 * replicas behind a load balancer gets the same allowance as against one. Keys (client networks,
 * addresses) are stored only as an HMAC with the signing secret. Windows begin and end by the
 * database's clock: a replica whose clock runs ahead would otherwise end every window it sees early
 * and start a new allowance for all replicas. Should the database not answer, the replica counts in
 * its own memory (by its own clock) until it does, rather than failing the request.
 */
export function postgresLimiters(pool: Pool, secret: string, log?: (line: string) => void): LimiterFactory {
  const key = createHmac('sha256', secret).update('rolecast rate limits').digest();
  return (scope, limit, windowMs, now) => {
    const local = fixedWindowLimiter(limit, windowMs, now);
    let takes = 0;
    let warned = false;
    return {
      async take(client) {
        const hashed = createHmac('sha256', key).update(`${scope}\0${client}`).digest('base64url');
        try {
          const { rows } = await pool.query<{ count: number }>(
            `INSERT INTO rate_limits (scope, key, reset_at, count) VALUES ($1, $2, ${DATABASE_NOW} + $3, 1)
             ON CONFLICT (scope, key) DO UPDATE SET
               count = CASE WHEN rate_limits.reset_at <= ${DATABASE_NOW} THEN 1 ELSE rate_limits.count + 1 END,
               reset_at = CASE WHEN rate_limits.reset_at <= ${DATABASE_NOW} THEN excluded.reset_at ELSE rate_limits.reset_at END
             RETURNING count`,
            [scope, hashed, windowMs],
          );
          warned = false;
          if (++takes % SWEEP_EVERY === 0)
            pool.query(`DELETE FROM rate_limits WHERE reset_at <= ${DATABASE_NOW}`).catch(() => {});
          return rows[0]!.count <= limit;
        } catch (error) {
          if (!warned)
            log?.(
              `rate limits are counted per replica until the database answers: ${error instanceof Error ? error.message : String(error)}`,
            );
          warned = true;
          return local.take(client);
        }
      },
    };
  };
}
