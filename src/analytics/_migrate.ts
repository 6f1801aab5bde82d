import type { StateDb } from '../send/store.js';
import { LAYOUT_TABLES } from '../state/layout-tables.js';

/**
 * The analytics tables of the state file: click events (no reader identity: no address, IP or
 * user agent) and, per sent issue, which variant held which summaries under which role — the
 * ledger records only a variant id per reader, and a report needs to know who got what.
 */

/** Schema version 3 (after the subscriber store's 2): analytics tables. */
export const ANALYTICS_VERSION = 3;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS clicks (
  issue_id TEXT NOT NULL,
  summary_id TEXT NOT NULL,
  role TEXT NOT NULL,
  variant_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  clicked_at TEXT NOT NULL,
  first INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS clicks_issue ON clicks (issue_id, summary_id, role, variant_id, kind, first);
${LAYOUT_TABLES}CREATE INDEX IF NOT EXISTS deliveries_email ON deliveries (email, updated_at);
`;

/**
 * Adds the analytics tables once. Judged by the tables themselves as well as user_version, so a
 * file another migration moved to the same or a later version still gets them; never lowers it.
 */
export function migrateAnalytics(db: StateDb): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < ANALYTICS_VERSION || !hasAnalyticsTables(db))
    db.transaction(() => {
      db.exec(SCHEMA);
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current < ANALYTICS_VERSION) db.pragma(`user_version = ${ANALYTICS_VERSION}`);
    }).immediate();
  addClicksTagged(db);
}

/**
 * Each role set's first decision on `?v=` (see Variant.clickTagged), added to files made before
 * it. Releases that do not know the column write their rows without it, as before.
 */
function addClicksTagged(db: StateDb): void {
  const missing = () => {
    const columns = db.prepare('PRAGMA table_info(issue_variants)').all() as { name: string }[];
    return columns.length > 0 && !columns.some((c) => c.name === 'clicks_tagged');
  };
  if (!missing()) return;
  // Looked at again under the write lock: `serve` and `send` may open an older file at once.
  db.transaction(() => {
    if (missing()) db.exec('ALTER TABLE issue_variants ADD COLUMN clicks_tagged INTEGER');
  }).immediate();
}

export function hasAnalyticsTables(db: StateDb): boolean {
  const found = db
    .prepare(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('clicks', 'issue_variants', 'issue_summaries')",
    )
    .pluck()
    .get() as number;
  return found === 3;
}
