import { canonicalAddress } from '../../address.js';
import { applyUnsubscribeJournal } from '../../send/journal.js';
import { journaledAddresses } from '../../send/journal-watch.js';
import { isSuppressed, type StateDb } from '../../send/store.js';
import { hashedAddress } from '../../store/hash.js';
import type { InstantSuppressions, Suppressions } from '../contract.js';
import { suppressionIndex } from '../suppression-index.js';
import { addDefaults, editorTakesOverSql, fromSuppressionRow, type SuppressionRow } from '../suppression-rows.js';

type Row = { email: string; reason: string | null };

/** The suppressions table of the state file; addresses are stored canonical, erased ones hashed. */
export function sqliteSuppressions(db: StateDb): Suppressions {
  const insert = () =>
    db.prepare(
      'INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (email) DO NOTHING',
    );
  const addOne = (email: string, reason: string, source: string, at: string): boolean => {
    if (isSuppressed(db, email)) return false;
    return insert().run(canonicalAddress(email), reason, source, at).changes > 0;
  };
  const addedSinceNow: InstantSuppressions['addedSince'] = (cursor) => {
    // Rows get growing rowids, so those past the cursor's top are new. Rows up to it change only
    // by removal, or by the top one's rowid being given again after it was removed: when their
    // count or the top row differ from the cursor's, every row is handed back.
    const top = db.prepare('SELECT COALESCE(MAX(rowid), 0) FROM suppressions').pluck().get() as number;
    const look = (upTo: number) => {
      const count = db.prepare('SELECT COUNT(*) FROM suppressions WHERE rowid <= ?').pluck().get(upTo) as number;
      const email = (db.prepare('SELECT email FROM suppressions WHERE rowid = ?').pluck().get(upTo) as string) ?? '';
      return { count, email };
    };
    const now = look(top);
    const next = JSON.stringify([top, now.count, now.email]);
    if (cursor === undefined || cursor === next) return { cursor: next, added: [] };
    const [before, counted, email] = JSON.parse(cursor) as [number, number, string];
    const then = look(before);
    if (then.count !== counted || then.email !== email)
      return { cursor: next, added: db.prepare('SELECT email, reason FROM suppressions').all() as Row[] };
    const added = db
      .prepare('SELECT email, reason FROM suppressions WHERE rowid > ? ORDER BY rowid')
      .all(before) as Row[];
    return { cursor: next, added };
  };
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const instant: InstantSuppressions = {
    // Moves only when another connection (serve, `suppress`, a webhook) commits: a read of a counter.
    version: () => dataVersion.get() as number,
    addedSince: addedSinceNow,
    journaled: journaledNow(db),
  };
  return {
    instant,
    async add(email, details = {}) {
      const { reason, source, at } = addDefaults(details);
      return addOne(email, reason, source, at);
    },
    async addMany(entries, source, now = new Date()) {
      let added = 0;
      let takenOver = 0;
      const takeOver = db.prepare(editorTakesOverSql('@email', '@reason', '@source'));
      db.transaction(() => {
        for (const entry of entries) {
          if (addOne(entry.email, entry.reason, source, now.toISOString())) added++;
          else
            takenOver += takeOver.run({ email: canonicalAddress(entry.email), reason: entry.reason, source }).changes;
        }
      })();
      return { added, already: entries.length - added, takenOver };
    },
    isSuppressed: async (email) => isSuppressed(db, email),
    index: async () =>
      suppressionIndex(
        db.prepare('SELECT email, reason FROM suppressions').all() as { email: string; reason: string | null }[],
      ),
    addedSince: async (cursor) => addedSinceNow(cursor),
    async list() {
      const rows = db
        .prepare('SELECT email, reason, source, created_at FROM suppressions ORDER BY created_at, email')
        .all() as SuppressionRow[];
      return rows.map(fromSuppressionRow);
    },
    applyJournal: async () => applyUnsubscribeJournal(db),
    async remove(email) {
      const { changes } = db
        .prepare('DELETE FROM suppressions WHERE email IN (?, ?)')
        .run(canonicalAddress(email), hashedAddress(email));
      return changes > 0;
    },
  };
}

/**
 * Whether an unsubscribe waits in the journal beside the state file, or in a copy a replay set aside
 * and has not committed: the journal read again only when it changed.
 */
function journaledNow(db: StateDb): (email: string) => string | undefined {
  if (db.memory || !db.name) return () => undefined;
  // A send or test send stops at a damaged line rather than mail the reader it may name.
  return journaledAddresses(db.name, { stopOnDamage: true });
}
