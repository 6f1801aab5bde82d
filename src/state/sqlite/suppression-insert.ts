import { canonicalAddress } from '../../address.js';
import type { StateDb } from '../../send/store.js';
import { hashedAddress } from '../../store/hash.js';
import { editorTakesOverSql, isOwnUnsubscribe, ownUnsubscribeRedatedSql, takesOver } from '../suppression-rows.js';
import { prepared } from './statements.js';

/**
 * Adds an address to the state file's suppression list, keeping an existing record, and never
 * for an erased address (`subscribers forget`): its hashed entry already refuses it, and storing it
 * again in plain (an old one-click link, a late bounce, a journaled unsubscribe) would undo the
 * erasure. A bounce or complaint over the reader's own unsubscribe takes that entry over, so a
 * signup of the reader no longer lifts it. Returns whether a row was added.
 */
export function suppressionInsert(
  db: StateDb,
): (email: string, reason: string | null, source: string | null, at: string) => boolean {
  const insert = db.prepare(
    `INSERT INTO suppressions (email, reason, source, created_at)
     SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM suppressions WHERE email = ?)
     ON CONFLICT (email) DO NOTHING`,
  );
  const takeOver = db.prepare(editorTakesOverSql('@email', '@reason', '@source'));
  const redate = db.prepare(ownUnsubscribeRedatedSql('@email', '@at'));
  return (email, reason, source, at) => {
    if (insert.run(canonicalAddress(email), reason, source, at, hashedAddress(email)).changes > 0) return true;
    if (takesOver(reason)) takeOver.run({ email: canonicalAddress(email), reason, source });
    else if (isOwnUnsubscribe(reason, source)) redate.run({ email: canonicalAddress(email), at });
    return false;
  };
}

/** Whether the address was erased: only its hashed entry is on the list. */
export function isErased(db: StateDb, email: string): boolean {
  return prepared(db, 'SELECT 1 FROM suppressions WHERE email = ?').get(hashedAddress(email)) !== undefined;
}
