import { addSuppression, isSuppressed, type StateDb } from '../send/store.js';

/**
 * The suppression list as the endpoint and `rolecast suppress` see it: the `suppressions` table
 * of the send state file, through the send stage's own helpers, so `send` skips every address
 * added here.
 */

export interface SuppressionDetails {
  reason?: string;
  source?: string;
  now?: Date;
}

export interface SuppressionList {
  isSuppressed(email: string): boolean;
  add(email: string, details: SuppressionDetails): void;
}

export interface SuppressionEntry {
  email: string;
  reason: string | null;
  source: string | null;
  createdAt: string;
}

export function stateSuppressionList(db: StateDb): SuppressionList {
  return {
    isSuppressed: (email) => isSuppressed(db, email),
    add: (email, details) => addSuppression(db, email, details),
  };
}

/** Adds many addresses in one transaction; returns how many were new. Existing records are kept. */
export function addSuppressions(
  db: StateDb,
  entries: readonly { email: string; reason: string }[],
  source: string,
  now: Date = new Date(),
): { added: number; already: number } {
  let added = 0;
  let already = 0;
  const run = db.transaction(() => {
    for (const entry of entries) {
      if (isSuppressed(db, entry.email)) {
        already++;
        continue;
      }
      addSuppression(db, entry.email, { reason: entry.reason, source, now });
      added++;
    }
  });
  run();
  return { added, already };
}

export function listSuppressions(db: StateDb): SuppressionEntry[] {
  const rows = db
    .prepare('SELECT email, reason, source, created_at FROM suppressions ORDER BY created_at, email')
    .all() as { email: string; reason: string | null; source: string | null; created_at: string }[];
  return rows.map((row) => ({ email: row.email, reason: row.reason, source: row.source, createdAt: row.created_at }));
}
