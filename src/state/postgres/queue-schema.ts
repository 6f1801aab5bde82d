import type { Migration } from '../../db/postgres.js';
import { hashedKeySql } from '../postgres-schema.js';

/**
 * The work queue cooperating `send` workers share (component 'workers'). One plan per (issue,
 * channel): its items are the readers to deliver to, in order, with their variant. A worker claims
 * a batch by setting lease_owner and lease_expires_at; an item is done once its outcome is in
 * `deliveries`, written by the same statement. Times here are milliseconds since the epoch, from
 * the database's clock, so hosts whose clocks differ still agree on when a lease runs out.
 */
export const WORKER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'send plans, items with leases, workers with heartbeats',
    sql: `
CREATE TABLE send_plans (
  issue_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  readers INTEGER NOT NULL,
  items INTEGER NOT NULL,
  salt TEXT NOT NULL DEFAULT '',
  resend_since TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (issue_id, channel)
);
CREATE TABLE send_items (
  issue_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  email TEXT NOT NULL,
  variant_id TEXT NOT NULL,
  done BOOLEAN NOT NULL DEFAULT false,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  claims INTEGER NOT NULL DEFAULT 0,
  done_by TEXT,
  PRIMARY KEY (issue_id, channel, seq)
);
CREATE INDEX send_items_open ON send_items (issue_id, channel, seq) WHERE NOT done;
CREATE TABLE send_workers (
  worker_id TEXT PRIMARY KEY,
  issue_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  lease_ms INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  stopped_at BIGINT,
  sent INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX send_workers_issue ON send_workers (issue_id, channel);`,
  },
  {
    version: 2,
    name: 'the signing key check of a plan',
    // A keyed hash of ROLECAST_SECRET (never the secret): workers with different keys are refused.
    sql: `ALTER TABLE send_plans ADD COLUMN key_check TEXT NOT NULL DEFAULT '';`,
  },
  {
    version: 3,
    name: 'the readers a plan was made from (see plan-readers.ts)',
    sql: `
CREATE TABLE send_plan_readers (
  issue_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  plan_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  email TEXT NOT NULL,
  reader TEXT NOT NULL,
  PRIMARY KEY (issue_id, channel, seq)
);
CREATE INDEX send_plan_readers_email ON send_plan_readers (email);
-- An erasure from any host, this release's or an older one that does not know the table: the
-- reader's kept record goes with it.
CREATE FUNCTION rolecast_erase_plan_reader() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM send_plan_readers r WHERE ${hashedKeySql('r.email')} = NEW.email;
  RETURN NULL;
END $fn$;
CREATE TRIGGER send_plan_readers_erased AFTER INSERT OR UPDATE ON suppressions
  FOR EACH ROW WHEN (NEW.reason = 'erased') EXECUTE FUNCTION rolecast_erase_plan_reader();`,
  },
  {
    version: 4,
    name: "what a worker taking a plan's kept readers must agree on (see keptReadersCheck)",
    // Null for a plan that kept no readers, or written by an older release: joined by fingerprint only.
    sql: 'ALTER TABLE send_plans ADD COLUMN kept_check TEXT;',
  },
  {
    version: 5,
    name: 'greylisted readers handed back to the plan until a time',
    // An item a server greylisted waits unleased until not_before (the database's clock), so any
    // worker may take it then; its tries so far go with it. Items of older plans: null and 0.
    sql: `ALTER TABLE send_items ADD COLUMN not_before BIGINT,
  ADD COLUMN tries INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN greylists INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 6,
    name: 'what a plan is made of, to tell a refused worker what differs (see plan-differences.ts)',
    // Null for a plan written by an older release: a worker refused by it is told every possible cause.
    sql: 'ALTER TABLE send_plans ADD COLUMN parts TEXT;',
  },
];
