import { canonicalAddress } from '../../address.js';
import type { Pool } from '../../db/postgres.js';
import { hashedAddress } from '../../store/hash.js';
import type { Suppressions } from '../contract.js';
import { suppressionIndex } from '../suppression-index.js';
import { addDefaults, editorTakesOverSql, fromSuppressionRow, type SuppressionRow } from '../suppression-rows.js';

/**
 * The suppressions table in PostgreSQL. Inserts never overwrite (the first reason wins) and skip an
 * address whose hashed entry is there, in one statement, so replicas adding the same address at
 * once leave one row.
 */
export function postgresSuppressions(pool: Pool): Suppressions {
  const insertMany = async (emails: string[], reasons: string[], source: string, at: string): Promise<number> => {
    const result = await pool.query(
      `INSERT INTO suppressions (email, reason, source, created_at)
       SELECT e, r, $1, $2 FROM unnest($3::text[], $4::text[], $5::text[]) AS t(e, r, h)
       WHERE NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.email = t.h)
       ON CONFLICT (email) DO NOTHING`,
      [source, at, emails.map(canonicalAddress), reasons, emails.map(hashedAddress)],
    );
    return result.rowCount ?? 0;
  };
  return {
    async add(email, details = {}) {
      const { reason, source, at } = addDefaults(details);
      const added = await insertMany([email], [reason], source, at);
      return added > 0;
    },
    async addMany(entries, source, now = new Date()) {
      if (entries.length === 0) return { added: 0, already: 0, takenOver: 0 };
      const takenOver = await pool.query(
        editorTakesOverSql('t.e', 't.r', '$3', 'unnest($1::text[], $2::text[]) AS t(e, r)'),
        [entries.map((e) => canonicalAddress(e.email)), entries.map((e) => e.reason), source],
      );
      const added = await insertMany(
        entries.map((e) => e.email),
        entries.map((e) => e.reason),
        source,
        now.toISOString(),
      );
      return { added, already: entries.length - added, takenOver: takenOver.rowCount ?? 0 };
    },
    async isSuppressed(email) {
      const { rowCount } = await pool.query('SELECT 1 FROM suppressions WHERE email IN ($1, $2)', [
        canonicalAddress(email),
        hashedAddress(email),
      ]);
      return (rowCount ?? 0) > 0;
    },
    async index() {
      const { rows } = await pool.query<{ email: string; reason: string | null }>(
        'SELECT email, reason FROM suppressions',
      );
      return suppressionIndex(rows);
    },
    async addedSince(cursor) {
      // Told by the transaction that wrote them, not by created_at: that is the writing host's clock
      // (a serve replica minutes slow), and a cursor from this host's clock (a worker minutes fast)
      // skipped them, so a reader who unsubscribed mid-send was mailed. Every transaction not yet
      // committed when the cursor was taken has an xid at or past the snapshot's xmin, which age()
      // compares across xid wraparound. Rows of transactions that were still open then, and
      // committed before, come back again (all of them while a transaction anywhere on the server
      // stays open), which a caller takes without harm. An age below 0 is a row written more than
      // 2^31 transactions ago (freezing keeps its xmin): old, never new. A cursor ahead of the
      // server's transactions (a database restored from a backup) hands back the whole list.
      const { rows } = await pool.query<{ next: string; added: { email: string; reason: string | null }[] | null }>(
        `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS next,
           CASE WHEN $1::bigint IS NULL THEN NULL ELSE (
             SELECT json_agg(json_build_object('email', email, 'reason', reason)) FROM suppressions
             WHERE age(($1::bigint % 4294967296)::text::xid) < 0
                OR age(xmin) BETWEEN 0 AND age(($1::bigint % 4294967296)::text::xid)) END AS added`,
        [cursor === undefined ? null : cursor],
      );
      const row = rows[0]!;
      return { cursor: row.next, added: row.added ?? [] };
    },
    async list() {
      const { rows } = await pool.query<SuppressionRow>(
        'SELECT email, reason, source, created_at FROM suppressions ORDER BY created_at COLLATE "C", email COLLATE "C"',
      );
      return rows.map(fromSuppressionRow);
    },
    applyJournal: async () => ({ read: 0, added: 0, unreadable: 0 }),
    async remove(email) {
      const { rowCount } = await pool.query('DELETE FROM suppressions WHERE email IN ($1, $2)', [
        canonicalAddress(email),
        hashedAddress(email),
      ]);
      return (rowCount ?? 0) > 0;
    },
  };
}
