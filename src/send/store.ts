import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { canonicalAddress } from '../address.js';
import { ANALYTICS_VERSION, migrateAnalytics } from '../analytics/_migrate.js';
import type { ResolvedConfig } from '../config/schema.js';
import { RolecastError } from '../errors.js';
import { assertNotRestored, ensureGeneration, noteGeneration } from '../state/sqlite/generation.js';
import { assertNotLost } from '../state/sqlite/path-note.js';
import { assertSideFilesWritable } from '../state/sqlite/side-files-writable.js';
import { prepared } from '../state/sqlite/statements.js';
import { hashedAddress } from '../store/hash.js';
import { migrateSubscriberStore, STORE_SCHEMA_VERSION } from '../store/sqlite.js';
import { assertNotEmptied } from './emptied-state.js';
import { heldOpenHere, holdOpen } from './held-here.js';
import {
  assertLogOfThisFileAtAGlance,
  assertLogSound,
  assertLogWhole,
  assertStateFileKind,
  markStateDb,
  type StateCheck,
  sqlitePath,
  stateFileError,
  verifyStateDb,
} from './state-file.js';

/**
 * The send state: one SQLite file holding the delivery ledger, the suppression list and the send
 * locks. WAL with synchronous=NORMAL: a commit is durable once it reaches the WAL, which survives a
 * killed process (only a power cut or OS crash can lose the last few commits — then those messages
 * would be sent again, never lost). Full fsync per message would cost more than the send itself.
 */
export type StateDb = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
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
CREATE TABLE IF NOT EXISTS runs (
  issue_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  planned INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT,
  resend_started_at TEXT,
  open_resend_since TEXT,
  PRIMARY KEY (issue_id, channel)
);
CREATE TABLE IF NOT EXISTS suppressions (
  email TEXT PRIMARY KEY,
  reason TEXT,
  source TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS locks (
  issue_id TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  token TEXT NOT NULL,
  started_at TEXT NOT NULL,
  proc_start TEXT
);
`;

/** Columns added after the first release: state files written before them get them on open. */
const ADDED_COLUMNS: [table: string, column: string, type: string, fill?: string][] = [
  ['runs', 'resend_started_at', 'TEXT'],
  // A resend an older release left unfinished stays open (see RUN_START_CONFLICT in ledger.ts).
  [
    'runs',
    'open_resend_since',
    'TEXT',
    "UPDATE runs SET open_resend_since = resend_started_at WHERE resend_started_at IS NOT NULL AND outcome IS NOT 'complete'",
  ],
  ['locks', 'proc_start', 'TEXT'],
];

function addMissingColumns(db: StateDb): void {
  for (const [table, column, type, fill] of ADDED_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
    if (columns.some((c) => c.name === column)) continue;
    db.transaction(() => {
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
      if (fill) db.exec(fill);
    })();
  }
}

/** The state file a send uses: `--state FILE`, else `state.db` in the config's stateDir. */
export function stateFilePath(config: ResolvedConfig, cwd: string, stateFile?: string): string {
  return stateFile ? resolve(cwd, stateFile) : join(config.stateDirAbs, 'state.db');
}

/** Test hook: how many pages the state file may grow by while open (PRAGMA max_page_count). */
export interface StateDbLimits {
  growthLimitPages?: number | undefined;
}

/**
 * Opens (creating when needed) the state database, after checking it is a sound rolecast state file
 * (see state-file.ts): a damaged one is refused with E_STATE_DAMAGED and left untouched. `readonly`
 * never creates anything.
 */
export function openStateDb(
  given: string,
  options: { readonly?: boolean; check?: StateCheck; copyTarget?: boolean } & StateDbLimits = {},
): StateDb {
  // Resolved once: every later check of the file, its journal and its side files (named after
  // `db.name`) must find this file even after the process changes directory.
  const file = resolve(given);
  if (options.readonly) {
    assertStateFileKind(file);
    assertNotEmptied(file, sqlitePath(file));
    // Checked as this process first opened it (see held-here.ts).
    if (!heldOpenHere(file)) {
      // The preview's light read on every edit skips it: a log is only read through in full.
      if (options.check !== 'light') assertLogSound(file);
      else {
        assertLogWhole(file);
        assertLogOfThisFileAtAGlance(file);
      }
    }
    const db = openOrClassify(file, () => new Database(file, { readonly: true, fileMustExist: true }));
    holdOpen(db, file);
    verifyOrClose(db, file, options.check);
    return db;
  }
  assertStateFileKind(file);
  assertNotEmptied(file, sqlitePath(file));
  // A copy into the file (`state migrate --to FILE`) brings the records a lost file held, whole or
  // not at all: a new file there forgets nothing, and one left without a record is refused next time.
  if (!options.copyTarget) assertNotLost(file);
  // Checked as this process first opened it (see held-here.ts).
  if (!heldOpenHere(file)) {
    assertLogSound(file);
    assertSideFilesWritable(file);
  }
  const db = openOrClassify(file, () => {
    mkdirSync(dirname(file), { recursive: true });
    return new Database(file);
  });
  holdOpen(db, file);
  try {
    // Checked before the first write, so a foreign or damaged file is never changed.
    verifyStateDb(db, file, 'full', () => assertKnownSchema(db, file));
    assertNotRestored(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // Content deleted or moved is overwritten with zeros on every connection, not only in `forget`:
    // a page rewritten by a send leaves the old copies of its rows in its free space otherwise, and
    // an erased address would stay readable in the file's bytes.
    db.pragma('secure_delete = ON');
    // Checkpoints (which fsync) every ~40 MB of WAL instead of every ~4 MB: a third off each ledger write.
    db.pragma('wal_autocheckpoint = 10000');
    db.exec(SCHEMA);
    addMissingColumns(db);
    markStateDb(db);
    migrateAddressKeys(db);
    migrateSubscriberStore(db);
    migrateAnalytics(db);
    markOpenResend(db);
    ensureGeneration(db);
    noteOnClose(db, file);
    if (options.growthLimitPages !== undefined) {
      const pages = db.pragma('page_count', { simple: true }) as number;
      db.pragma(`max_page_count = ${pages + options.growthLimitPages}`);
    }
    return db;
  } catch (cause) {
    db.close();
    throw stateFileError(file, cause);
  }
}

/** Every command that wrote the file notes how far it got as it closes (see generation.ts). */
function noteOnClose(db: StateDb, file: string): void {
  const close = db.close.bind(db);
  db.close = () => {
    if (db.open) noteGeneration(db, file);
    return close();
  };
  noteGeneration(db, file);
}

function openOrClassify(file: string, open: () => StateDb): StateDb {
  try {
    return open();
  } catch (cause) {
    throw stateFileError(file, cause);
  }
}

function verifyOrClose(db: StateDb, file: string, check?: StateCheck): void {
  try {
    verifyStateDb(db, file, check, () => assertKnownSchema(db, file));
    assertNotRestored(db, file);
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Opens the state read-only when it exists; undefined when nothing was ever recorded (no file, an
 * empty file, or a fresh database without tables). A damaged file throws E_STATE_DAMAGED.
 */
export function openExistingStateDb(file: string, check: StateCheck = 'full'): StateDb | undefined {
  if (assertStateFileKind(file) === 'missing') return undefined;
  const db = openStateDb(file, { readonly: true, check });
  const hasTables = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'deliveries'").get();
  if (hasTables) return db;
  db.close();
  return undefined;
}

/** Schema version: 1 = suppression and delivery keys are in `canonicalAddress` form. */
const ADDRESS_KEYS_VERSION = 1;

/**
 * Schema version 4: a resend a plain run left open is kept in `runs.open_resend_since` only. A
 * release before it reads no such column, so it would begin a new resend and mail the readers the
 * open one reached a third copy: from this version on, every release that checks the version
 * (`assertKnownSchema`) refuses the file instead.
 */
const OPEN_RESEND_VERSION = 4;

function markOpenResend(db: StateDb): void {
  if ((db.pragma('user_version', { simple: true }) as number) < OPEN_RESEND_VERSION)
    db.pragma(`user_version = ${OPEN_RESEND_VERSION}`);
}

/**
 * A state file whose schema is past every step this release knows was written by a newer one: it
 * may keep records (sends, suppressions) where this release does not look, so using it could mail
 * a reader twice or a suppressed one at all. Refused, read or write.
 */
function assertKnownSchema(db: StateDb, file: string): void {
  const known = Math.max(ADDRESS_KEYS_VERSION, STORE_SCHEMA_VERSION, ANALYTICS_VERSION, OPEN_RESEND_VERSION);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version <= known) return;
  throw new RolecastError(
    'E_STATE_NEWER',
    `the state file ${file} was written by a newer release of rolecast (schema ${version}; this release knows up to ${known})`,
    { hint: 'run the newer release, or upgrade this one; the file was left as it was' },
  );
}

const STATUS_RANK: Record<string, number> = { sent: 2, failed: 1, deferred: 0 };

/**
 * State files written before addresses had one canonical form hold keys that were only trimmed and
 * lower-cased: a Unicode domain stays Unicode there, so the punycode spelling of the same mailbox
 * would miss its suppression or its "sent" row. Rewrites those keys once; where two old keys become
 * one, the suppression is kept, and of two deliveries the "sent" one (else the latest) wins.
 */
function migrateAddressKeys(db: StateDb): void {
  if ((db.pragma('user_version', { simple: true }) as number) >= ADDRESS_KEYS_VERSION) return;
  // IMMEDIATE: two processes opening an old file at once migrate it one after the other.
  db.transaction(() => {
    if ((db.pragma('user_version', { simple: true }) as number) >= ADDRESS_KEYS_VERSION) return;
    const suppressions = db.prepare('SELECT rowid AS id, email FROM suppressions').all() as {
      id: number;
      email: string;
    }[];
    for (const row of suppressions) {
      const key = canonicalAddress(row.email);
      if (key === row.email) continue;
      db.prepare(
        'INSERT OR IGNORE INTO suppressions (email, reason, source, created_at) SELECT ?, reason, source, created_at FROM suppressions WHERE rowid = ?',
      ).run(key, row.id);
      db.prepare('DELETE FROM suppressions WHERE rowid = ?').run(row.id);
    }
    type Delivery = {
      id: number;
      issue_id: string;
      channel: string;
      email: string;
      status: string;
      updated_at: string;
    };
    const deliveries = db
      .prepare('SELECT rowid AS id, issue_id, channel, email, status, updated_at FROM deliveries')
      .all() as Delivery[];
    const find = db.prepare(
      'SELECT rowid AS id, issue_id, channel, email, status, updated_at FROM deliveries WHERE issue_id = ? AND channel = ? AND email = ?',
    );
    for (const row of deliveries) {
      const key = canonicalAddress(row.email);
      if (key === row.email) continue;
      const other = find.get(row.issue_id, row.channel, key) as Delivery | undefined;
      if (other && !outranks(row, other)) {
        db.prepare('DELETE FROM deliveries WHERE rowid = ?').run(row.id);
        continue;
      }
      if (other) db.prepare('DELETE FROM deliveries WHERE rowid = ?').run(other.id);
      db.prepare('UPDATE deliveries SET email = ? WHERE rowid = ?').run(key, row.id);
    }
    db.pragma(`user_version = ${ADDRESS_KEYS_VERSION}`);
  }).immediate();
}

/** Of two deliveries to one mailbox, "sent" always wins; otherwise the later record. */
function outranks(a: { status: string; updated_at: string }, b: { status: string; updated_at: string }): boolean {
  const rank = (STATUS_RANK[a.status] ?? 0) - (STATUS_RANK[b.status] ?? 0);
  return rank !== 0 ? rank > 0 : a.updated_at > b.updated_at;
}

export interface Suppression {
  email: string;
  reason: string | null;
  source: string | null;
  createdAt: string;
}

/** Adds (or refreshes) a suppressed address: a bounce, a complaint or an unsubscribe click. */
export function addSuppression(
  db: StateDb,
  email: string,
  details: { reason?: string; source?: string; now?: Date } = {},
): void {
  // An erased address stays a hash: its entry refuses it already.
  db.prepare(
    `INSERT INTO suppressions (email, reason, source, created_at)
     SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM suppressions WHERE email = ?)
     ON CONFLICT (email) DO UPDATE SET reason = excluded.reason, source = excluded.source`,
  ).run(
    canonicalAddress(email),
    details.reason ?? null,
    details.source ?? null,
    (details.now ?? new Date()).toISOString(),
    hashedAddress(email),
  );
}

/** Matches the address, or the hashed entry an erased address (`rolecast subscribers forget`) left. */
export function isSuppressed(db: StateDb, email: string): boolean {
  return (
    prepared(db, 'SELECT 1 FROM suppressions WHERE email IN (?, ?)').get(
      canonicalAddress(email),
      hashedAddress(email),
    ) !== undefined
  );
}

/**
 * A fast `isSuppressed` for planning a whole list: one query, then set lookups, so 100k
 * subscribers cost one round trip rather than 100k.
 */
export function suppressionChecker(db: StateDb | undefined): (email: string) => boolean {
  if (!db) return () => false;
  return checkerOf(db.prepare('SELECT email FROM suppressions').pluck().all() as string[]);
}

/** Set lookups over the stored keys of a suppression list (addresses and `sha256:` hashes). */
export function checkerOf(rows: readonly string[]): (email: string) => boolean {
  if (rows.length === 0) return () => false;
  // Canonicalised again: a read-only state file written before the key migration may hold old keys.
  const set = new Set(rows.map(canonicalAddress));
  const anyHashed = rows.some((row) => row.startsWith('sha256:'));
  return (email) => set.has(canonicalAddress(email)) || (anyHashed && set.has(hashedAddress(email)));
}

/** Why each address is suppressed, read in one query: the send report counts bounced and complained readers apart. */
export function suppressionReasons(db: StateDb | undefined): (email: string) => string | undefined {
  if (!db) return () => undefined;
  const rows = db.prepare('SELECT email, reason FROM suppressions').all() as { email: string; reason: string | null }[];
  const reasons = new Map(rows.map((r) => [canonicalAddress(r.email), r.reason ?? undefined]));
  return (email) => reasons.get(canonicalAddress(email));
}

/**
 * The suppression list as `build`, the preview and a scheduled dry run see it: read from the state
 * file when one exists, opened read-only and closed again at once; nothing is ever created. With
 * no state file nobody is suppressed. `stateFile` is a resolved path (see `stateFilePath`).
 */
export function readSuppressionChecker(config: ResolvedConfig, stateFile?: string): (email: string) => boolean {
  const file = stateFile ?? join(config.stateDirAbs, 'state.db');
  let db: StateDb | undefined;
  try {
    db = openExistingStateDb(file, 'light');
    return suppressionChecker(db);
  } catch (cause) {
    const classified = stateFileError(file, cause);
    if (classified.code === 'E_STATE_DAMAGED') throw classified;
    if (cause instanceof RolecastError) throw cause;
    throw new RolecastError('E_INVALID', `the suppression list in ${file} could not be read`, {
      hint: 'check that the file is a rolecast state file and readable (stateDir in rolecast.config.json, or --state)',
      cause,
    });
  } finally {
    db?.close();
  }
}
