import type { Migration } from '../db/postgres.js';
import { LAYOUT_TABLES } from './layout-tables.js';

/**
 * The send state in PostgreSQL: the same tables and keys as the SQLite state file (src/send/store.ts),
 * so `rolecast state migrate` copies rows as they are. Times are ISO-8601 UTC text, as in SQLite,
 * so "sent since" compares the same way on both backends. Addresses are in canonical form.
 */

/** The advisory lock ledger writers hold shared and `forget` exclusively (see migration 3). */
export const ERASURE_LOCK_SQL = "hashtext('rolecast:erasure')";

/** The suppression key an erased address leaves (src/store/hash.ts), computed in SQL from a canonical address column. */
export const hashedKeySql = (column: string) =>
  `'sha256:' || encode(sha256('rolecast-suppression'::bytea || '\\x00'::bytea || convert_to(${column}, 'UTF8')), 'hex')`;

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
  {
    version: 3,
    name: 'no ledger row for an address erased while its message was in flight',
    // Each statement's NOT EXISTS reads a snapshot taken when it began, so a forget committing in
    // between went unseen and the row outlived it. The trigger takes a lock that forget takes
    // exclusively, then looks again in a snapshot of its own: either forget waits for this write to
    // commit and deletes the row, or it committed first and the row is not written.
    sql: `
CREATE FUNCTION rolecast_skip_erased_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(${ERASURE_LOCK_SQL});
  IF EXISTS (SELECT 1 FROM suppressions WHERE email = 'sha256:' || encode(sha256(
    'rolecast-suppression'::bytea || '\\x00'::bytea || convert_to(NEW.email, 'UTF8')), 'hex')) THEN
    RETURN NULL;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER deliveries_skip_erased BEFORE INSERT ON deliveries
  FOR EACH ROW EXECUTE FUNCTION rolecast_skip_erased_delivery();`,
  },
  {
    version: 4,
    name: 'a resend stays open across plain runs until it completes',
    sql: `
ALTER TABLE runs ADD COLUMN open_resend_since TEXT;
UPDATE runs SET open_resend_since = resend_started_at
  WHERE resend_started_at IS NOT NULL AND outcome IS DISTINCT FROM 'complete';`,
  },
  {
    version: 5,
    name: "each role set's first decision on ?v= is kept for every later run of the issue",
    sql: 'ALTER TABLE issue_variants ADD COLUMN IF NOT EXISTS clicks_tagged INTEGER;',
  },
  {
    version: 6,
    name: 'addresses readers moved away from (the subscriber store)',
    // Here, not with the readers: every send host checks this component, and one of an older
    // release would mail a subscribers file's old address and take every stored field over the
    // file's (subscribers migration 2). It refuses the database instead.
    sql: `
CREATE TABLE reader_moves (
  email TEXT PRIMARY KEY,
  moved_to TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX reader_moves_to ON reader_moves (moved_to);`,
  },
  {
    version: 7,
    name: 'a subscribers file wins a field a reader set only once its editor changes it',
    // Only a mark (the values noted are subscribers migration 3, on the readers): a send host of an
    // older release compares the file's time alone, so any write of the file would take back every
    // field readers set. It refuses the database instead.
    sql: 'SELECT 1;',
  },
  {
    version: 8,
    name: 'where the latest reader to leave an address went (the subscriber store)',
    // Here, with the moves: a host of an older release would pass an unsubscribe at an address
    // handed on to its first reader rather than its latest. It refuses the database instead.
    sql: `
ALTER TABLE reader_moves ADD COLUMN latest_moved_to TEXT;
UPDATE reader_moves SET latest_moved_to = moved_to;`,
  },
];
