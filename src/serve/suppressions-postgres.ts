import { canonicalAddress } from '../address.js';
import { hasTable, type Pool } from '../db/postgres.js';
import { isErasedIn, suppressUnlessErased } from '../state/postgres/suppression-insert.js';
import { addDefaults, ownUnsubscribeKeys, ownUnsubscribeWhere } from '../state/suppression-rows.js';
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
  const query = (sql: string, params: unknown[]) => pool.query(sql, params);
  return {
    async isSuppressed(email) {
      const result = await pool.query('SELECT 1 FROM suppressions WHERE email = ANY($1::text[]) LIMIT 1', [
        [canonicalAddress(email), hashedAddress(email)],
      ]);
      return (result.rowCount ?? 0) > 0;
    },
    isErased: (email) => isErasedIn(query, email),
    async add(email, details) {
      return (await suppressUnlessErased(query, email, addDefaults(details))) ? 'added' : 'already';
    },
    async ownUnsubscribe(email) {
      const where = ownUnsubscribeWhere('$1', '$2', await hasTable(pool, 'bounce_events'));
      const result = await pool.query<{ created_at: string }>(
        `SELECT created_at FROM suppressions WHERE ${where}`,
        Object.values(ownUnsubscribeKeys(email)),
      );
      return result.rows[0]?.created_at;
    },
  };
}
