import type { Migration } from '../db/postgres.js';

/**
 * The send state in PostgreSQL: the same tables and keys as the SQLite state file (src/send/store.ts),
 * so `rolecast state migrate` copies rows as they are. Times are ISO-8601 UTC text, as in SQLite,
 * so "sent since" compares the same way on both backends. Addresses are in canonical form.
 */
/**
 * The issue layout tables, in the state component (send records layouts) and again in analytics,
 * which may be migrated first on a host that only serves: both create them if missing. Part of
 * applied migrations, so never edited; a change is a new migration.
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

export const STATE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ledger, runs, suppressions, locks',
    sql: `
CREATE TABLE deliveries (
  issue_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  email TEXT NOT NULL,
  variant_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('sent', 'failed', 'deferred')),
  message_id TEXT,
  response_code INTEGER,
  response TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (issue_id, channel, email)
);
CREATE TABLE runs (
  issue_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  planned INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT,
  resend_started_at TEXT,
  PRIMARY KEY (issue_id, channel)
);
CREATE TABLE suppressions (
  email TEXT PRIMARY KEY,
  reason TEXT,
  source TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE locks (
  issue_id TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  token TEXT NOT NULL,
  started_at TEXT NOT NULL,
  proc_start TEXT
);`,
  },
  {
    version: 2,
    name: 'scheduled waves, issue layouts',
    // IF NOT EXISTS: the analytics tables may already come from the click store's own migrations.
    sql: `
CREATE TABLE schedule_waves (
  issue_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  wave_utc TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'missed', 'failed')),
  recipients INTEGER NOT NULL,
  zones TEXT NOT NULL,
  detail TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (issue_id, channel, wave_utc)
);
${LAYOUT_TABLES}CREATE INDEX deliveries_email ON deliveries (email, updated_at);`,
  },
];
