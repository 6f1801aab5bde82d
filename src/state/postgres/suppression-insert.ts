import { canonicalAddress } from '../../address.js';
import { hashedAddress } from '../../store/hash.js';
import { editorTakesOverSql, isOwnUnsubscribe, ownUnsubscribeRedatedSql, takesOver } from '../suppression-rows.js';

/** A pool's or a transaction's query, as far as these statements need it. */
type Query = (sql: string, params: unknown[]) => Promise<{ rowCount: number | null }>;

/**
 * Adds one address to the suppression list in PostgreSQL, keeping an existing record, and never
 * for an erased address (`subscribers forget`): its hashed entry already refuses it, and storing it
 * again in plain would undo the erasure. One statement, so replicas adding it at once leave one row.
 * A bounce or complaint over the reader's own unsubscribe takes that entry over, so a signup of the
 * reader no longer lifts it. Returns whether a row was added.
 */
export async function suppressUnlessErased(
  query: Query,
  email: string,
  details: { reason: string | null; source: string | null; at: string },
): Promise<boolean> {
  const result = await query(
    `INSERT INTO suppressions (email, reason, source, created_at)
     SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM suppressions WHERE email = $5)
     ON CONFLICT (email) DO NOTHING`,
    [canonicalAddress(email), details.reason, details.source, details.at, hashedAddress(email)],
  );
  if ((result.rowCount ?? 0) > 0) return true;
  if (takesOver(details.reason))
    await query(editorTakesOverSql('$1', '$2', '$3'), [canonicalAddress(email), details.reason, details.source]);
  else if (isOwnUnsubscribe(details.reason, details.source))
    await query(ownUnsubscribeRedatedSql('$1', '$2'), [canonicalAddress(email), details.at]);
  return false;
}

/** Whether the address was erased: only its hashed entry is on the list. */
export async function isErasedIn(query: Query, email: string): Promise<boolean> {
  return ((await query('SELECT 1 FROM suppressions WHERE email = $1', [hashedAddress(email)])).rowCount ?? 0) > 0;
}
