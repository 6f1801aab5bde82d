import { canonicalAddress } from '../../address.js';
import type { Pool } from '../../db/postgres.js';
import { hashedAddress } from '../../store/hash.js';
import type { Suppressions } from '../contract.js';
import { suppressionIndex } from '../suppression-index.js';
import { addDefaults, fromSuppressionRow, type SuppressionRow } from '../suppression-rows.js';

/** How far apart the clocks of the hosts writing suppressions may be. */
const CLOCK_SLACK_MS = 10 * 60_000;

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
      if (entries.length === 0) return { added: 0, already: 0 };
      const added = await insertMany(
        entries.map((e) => e.email),
        entries.map((e) => e.reason),
        source,
        now.toISOString(),
      );
      return { added, already: entries.length - added };
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
      // No row order to go by: entries are asked for by their time, from a while before the cursor
      // (hosts' clocks differ), and a caller takes one it already has again without harm.
      const now = String(Date.now());
      if (cursor === undefined) return { cursor: now, added: [] };
      const { rows } = await pool.query<{ email: string; reason: string | null }>(
        'SELECT email, reason FROM suppressions WHERE created_at >= $1',
        [new Date(Number(cursor) - CLOCK_SLACK_MS).toISOString()],
      );
      return { cursor: now, added: rows };
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
