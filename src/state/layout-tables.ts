/**
 * The issue layout tables, in the same SQL for both backends: in the state component (send records
 * layouts) and again in analytics, which may be migrated first on a host that only serves; each
 * creates them if missing. Part of applied migrations, so never edited; a change is a new migration.
 */
export const LAYOUT_TABLES = `CREATE TABLE IF NOT EXISTS issue_variants (
  issue_id TEXT NOT NULL,
  variant_id TEXT NOT NULL,
  roles TEXT NOT NULL,
  sections TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (issue_id, variant_id)
);
CREATE TABLE IF NOT EXISTS issue_summaries (
  issue_id TEXT NOT NULL,
  summary_id TEXT NOT NULL,
  roles TEXT NOT NULL,
  topics TEXT NOT NULL,
  PRIMARY KEY (issue_id, summary_id)
);
`;
