import { canonicalAddress } from '../address.js';
import type { Pool } from '../db/postgres.js';
import { addDefaults } from '../state/suppression-rows.js';
import { hashedAddress } from '../store/hash.js';
import type { SuppressionList } from './suppressions.js';

/**
 * The suppression list in PostgreSQL (the 'state' component's `suppressions` table), shared by
 * every `serve` replica and `send` worker. An insert that meets an existing row keeps it (ON
 * CONFLICT DO NOTHING), so the same unsubscribe arriving at two replicas at once is recorded once,
 * and the one that inserted it is the only one told `added`. No journal: when the database does
 * not answer, `add` throws and the endpoint answers 503 with Retry-After, never "done".
 */
export function postgresSuppressionList(pool: Pool): SuppressionList {
  return {
    async isSuppressed(email) {
      const result = await pool.query('SELECT 1 FROM suppressions WHERE email = ANY($1::text[]) LIMIT 1', [
        [canonicalAddress(email), hashedAddress(email)],
      ]);
      return (result.rowCount ?? 0) > 0;
    },
    async isErased(email) {
      const result = await pool.query('SELECT 1 FROM suppressions WHERE email = $1', [hashedAddress(email)]);
      return (result.rowCount ?? 0) > 0;
    },
    async add(email, details) {
      const { reason, source, at } = addDefaults(details);
      // An erased reader's address is kept only as its hash: it matches, and is not stored again.
      const result = await pool.query(
        `INSERT INTO suppressions (email, reason, source, created_at)
         SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM suppressions WHERE email = $5)
         ON CONFLICT (email) DO NOTHING`,
        [canonicalAddress(email), reason, source, at, hashedAddress(email)],
      );
      return (result.rowCount ?? 0) > 0 ? 'added' : 'already';
    },
  };
}
