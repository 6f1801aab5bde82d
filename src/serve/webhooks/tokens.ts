import type { Pool } from '../../db/postgres.js';
import { fresh } from './_types.js';

/**
 * Mailgun's signature does not cover the body, so each signed token is bound to the first body
 * seen with it (see mailgun.ts). This is where the bindings live: this process's memory by
 * default, or PostgreSQL, so a token replayed with another body at another replica is refused too.
 */
export interface TokenBindings {
  /** Binds `token` to `digest` unless it is bound already; false when it is bound to another body. */
  bind(token: string, digest: string, signedAt: number, now: Date, maxAgeSeconds: number): Promise<boolean>;
}

export function memoryTokenBindings(): TokenBindings {
  const seen = new Map<string, { at: number; body: string }>();
  return {
    async bind(token, digest, signedAt, now, maxAgeSeconds) {
      // Tokens are remembered for as long as their timestamp is accepted.
      for (const [t, entry] of seen) if (!fresh(entry.at, now, maxAgeSeconds)) seen.delete(t);
      const earlier = seen.get(token);
      if (earlier) return earlier.body === digest;
      seen.set(token, { at: signedAt, body: digest });
      return true;
    },
  };
}

export const WEBHOOK_TOKENS_SQL = `
CREATE TABLE webhook_tokens (
  token TEXT PRIMARY KEY,
  body_digest TEXT NOT NULL,
  signed_at BIGINT NOT NULL
);
CREATE INDEX webhook_tokens_signed_at ON webhook_tokens (signed_at);`;

/** One in this many calls also deletes bindings older than the accepted age. */
const SWEEP_EVERY = 200;

export function postgresTokenBindings(pool: Pool): TokenBindings {
  let calls = 0;
  return {
    async bind(token, digest, signedAt, _now, maxAgeSeconds) {
      // The no-op update makes RETURNING give the body already bound, in one atomic statement.
      const { rows } = await pool.query<{ body_digest: string }>(
        `INSERT INTO webhook_tokens (token, body_digest, signed_at) VALUES ($1, $2, $3)
         ON CONFLICT (token) DO UPDATE SET signed_at = webhook_tokens.signed_at
         RETURNING body_digest`,
        [token, digest, signedAt],
      );
      // Swept by the database's clock: a replica whose clock runs ahead would delete bindings the
      // others still accept tokens for, and a token replayed there with another body would be taken.
      if (++calls % SWEEP_EVERY === 0)
        pool
          .query('DELETE FROM webhook_tokens WHERE signed_at < extract(epoch from statement_timestamp()) - $1', [
            maxAgeSeconds + 600,
          ])
          .catch(() => {});
      return rows[0]!.body_digest === digest;
    },
  };
}
