import type { Migration } from '../db/postgres.js';
import { LAYOUT_TABLES } from './layout-tables.js';

/**
 * The send state in PostgreSQL: the same tables and keys as the SQLite state file (src/send/store.ts),
 * so `rolecast state migrate` copies rows as they are. Times are ISO-8601 UTC text, as in SQLite,
 * so "sent since" compares the same way on both backends. Addresses are in canonical form.
 */

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
