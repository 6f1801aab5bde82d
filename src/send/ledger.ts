/**
 * The delivery ledger, keyed by (issue id, channel, address). The channel keeps a trial run to
 * the outbox from marking real subscribers as sent over SMTP.
 */
import { canonicalAddress } from '../address.js';
import { mergeBatch } from '../state/batch.js';
import { DELIVERY_UPSERT_CONFLICT } from '../state/delivery-upsert.js';
import { hashedAddress } from '../store/hash.js';
import type { Channel } from './channel.js';
import { channelStatus, type DeliveryRow, type RunRow } from './status-rows.js';
import type { StateDb } from './store.js';

/** What a run reads of its issue's resends (either ledger: the SQLite one answers at once). */
interface ResendLedger {
  unfinishedResend(): Promise<string | undefined> | string | undefined;
  latestStamp(): Promise<string | undefined> | string | undefined;
}

export type { Channel } from './channel.js';

/** sent: the server accepted it. failed: a permanent (5xx) refusal. deferred: retries ran out on a temporary error. */
export type DeliveryStatus = 'sent' | 'failed' | 'deferred';

export interface DeliveryRecord {
  email: string;
  variantId: string;
  status: DeliveryStatus;
  messageId: string | null;
  responseCode: number | null;
  response: string | null;
  attempts: number;
  updatedAt: string;
}

type Row = Omit<DeliveryRecord, 'updatedAt'>;

/**
 * In the reply recorded for a message whose whole body went out and whose reply never came: the
 * server may have it, and the next run sends it again (see `maybeDelivered`).
 */
export const MAY_HAVE_BEEN_DELIVERED = 'it may have been delivered';

/** The rows `maybeDelivered` reads: deferred, their reply saying the server may have the message. */
export const MAYBE_DELIVERED_WHERE = `status = 'deferred' AND response LIKE '%${MAY_HAVE_BEEN_DELIVERED}%'`;

export type RunOutcome = 'complete' | 'interrupted' | 'failed' | 'aborted';

export interface Ledger {
  /** Status of every address already recorded for this issue and channel. */
  recorded(): Map<string, DeliveryStatus>;
  /** Addresses accepted at or after `since` (ISO time): those a resend started then already reached. */
  sentSince(since: string): Set<string>;
  /** Addresses whose last message may have been delivered (`MAY_HAVE_BEEN_DELIVERED`), canonical. */
  maybeDelivered(): string[];
  /**
   * The start of a `--resend` that has not completed, which a new `--resend` resumes: plain runs
   * after it leave it open (they send only readers without a row), so it is never begun again.
   */
  unfinishedResend(): string | undefined;
  /** The latest time a row of this issue and channel was written at (ISO), or undefined when none was. */
  latestStamp(): string | undefined;
  record(entry: Omit<DeliveryRecord, 'updatedAt'>): void;
  /** Many rows in one transaction, merged as `mergeBatch` says; all or none. */
  recordMany(entries: readonly Omit<DeliveryRecord, 'updatedAt'>[]): void;
  /** `resendSince`: this run is a resend of everything sent before that time. A plain run keeps an open resend open. */
  startRun(planned: number, resendSince?: string): void;
  /** 'complete' closes the resend this run is, if it is one, unless `keepResendOpen` (a part of the list). */
  finishRun(outcome: RunOutcome, keepResendOpen?: boolean): void;
}

/**
 * Writes rows (`values`: one or more parenthesised rows of the ten columns) into the ledger.
 * Sent is final: a later failed or deferred outcome never replaces a "sent" row.
 */
function upsertSql(values: string): string {
  return `INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, response_code, response, attempts, updated_at)
     VALUES ${values}
     ${DELIVERY_UPSERT_CONFLICT}`;
}

export function openLedger(db: StateDb, issueId: string, channel: Channel, now: () => Date = () => new Date()): Ledger {
  // Prepared once: a send writes one row per accepted message, so the statement cost matters.
  const upsert = db.prepare(
    upsertSql(
      '(@issueId, @channel, @email, @variantId, @status, @messageId, @responseCode, @response, @attempts, @updatedAt)',
    ),
  );
  // A batch is written as one multi-row statement: one step through SQLite instead of one per row.
  // mergeBatch leaves one row per address, so no statement touches a row twice.
  const row = `(${Array.from({ length: 10 }, () => '?').join(', ')})`;
  const upsertMany = preparedPerCount(db, (count) => upsertSql(Array.from({ length: count }, () => row).join(', ')));
  const writeChunk = (rows: readonly Row[], from: number, to: number, updatedAt: string) => {
    const params: (string | number | null)[] = [];
    for (let at = from; at < to; at++) {
      const row = rows[at]!;
      params.push(
        issueId,
        channel,
        row.email,
        row.variantId,
        row.status,
        row.messageId,
        row.responseCode,
        row.response,
        row.attempts,
        updatedAt,
      );
    }
    upsertMany(to - from).run(params);
  };
  // A reader erased while their message was in flight: `forget` deleted their rows before this
  // one was written, so it goes again, as forget would have.
  const selectErased = preparedPerCount(
    db,
    (count) => `SELECT email FROM suppressions WHERE email IN (${Array.from({ length: count }, () => '?').join(', ')})`,
  );
  const deleteRow = db.prepare('DELETE FROM deliveries WHERE issue_id = ? AND channel = ? AND email = ?');
  // `forget` runs on another connection: until another connection has written to the file, no
  // address can have been erased since this ledger opened, and no row needs the check.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const versionAtOpen = dataVersion.get();
  let othersWrote = false;
  const dropErased = (rows: readonly Row[], from: number, to: number) => {
    othersWrote ||= dataVersion.get() !== versionAtOpen;
    if (!othersWrote) return;
    const emails = rows.slice(from, to).map((row) => row.email);
    const hashed = emails.map(hashedAddress);
    const erased = new Set(selectErased(emails.length).pluck().all(hashed) as string[]);
    if (erased.size === 0) return;
    emails.forEach((email, i) => {
      if (erased.has(hashed[i]!)) deleteRow.run(issueId, channel, email);
    });
  };
  // A batch and its check for erased readers in one transaction, wrapped once (better-sqlite3 builds
  // a new wrapper on every db.transaction call). Inside it, the change counter is read under the
  // write's own lock, where a read of its own after the commit would take and drop a read lock and
  // set its read mark, each a call into the file system, once per batch. The check comes after the
  // write and no other connection can commit between them: a forget committed before the write is
  // seen by the check, one committed after it deletes the row itself.
  const writeAll = db.transaction((rows: readonly Row[], updatedAt: string) => {
    for (let at = 0; at < rows.length; at += MANY_ROWS) {
      const to = Math.min(at + MANY_ROWS, rows.length);
      writeChunk(rows, at, to, updatedAt);
      dropErased(rows, at, to);
    }
  });
  const selectAll = db.prepare('SELECT email, status FROM deliveries WHERE issue_id = ? AND channel = ?');
  const selectLatest = db.prepare('SELECT max(updated_at) FROM deliveries WHERE issue_id = ? AND channel = ?').pluck();
  const selectMaybeDelivered = db
    .prepare(`SELECT email FROM deliveries WHERE issue_id = ? AND channel = ? AND ${MAYBE_DELIVERED_WHERE}`)
    .pluck();
  const selectSentSince = db
    .prepare(`SELECT email FROM deliveries WHERE issue_id = ? AND channel = ? AND status = 'sent' AND updated_at >= ?`)
    .pluck();
  // SELECT * and a lazily prepared INSERT: a dry run may open a state file written before
  // resend_started_at existed, read-only, so it cannot be migrated and that column may be missing.
  const selectRun = db.prepare('SELECT * FROM runs WHERE issue_id = ? AND channel = ?');
  const prepareRunStart = () =>
    db.prepare(
      `INSERT INTO runs (issue_id, channel, planned, started_at, resend_started_at, open_resend_since) VALUES (?, ?, ?, ?, ?, ?)
       ${RUN_START_CONFLICT}`,
    );
  let runStart: ReturnType<typeof prepareRunStart> | undefined;
  const prepareRunFinish = () => db.prepare(`UPDATE runs SET ${RUN_FINISH_SET} WHERE issue_id = ? AND channel = ?`);
  let runFinish: ReturnType<typeof prepareRunFinish> | undefined;
  return {
    recorded() {
      const rows = selectAll.all(issueId, channel) as { email: string; status: DeliveryStatus }[];
      // Keys canonicalised again, "sent" winning: a dry run may read an unmigrated state file read-only.
      const recorded = new Map<string, DeliveryStatus>();
      for (const row of rows) {
        const key = canonicalAddress(row.email);
        if (recorded.get(key) !== 'sent') recorded.set(key, row.status);
      }
      return recorded;
    },
    sentSince(since) {
      return new Set((selectSentSince.all(issueId, channel, since) as string[]).map(canonicalAddress));
    },
    maybeDelivered() {
      return (selectMaybeDelivered.all(issueId, channel) as string[]).map(canonicalAddress);
    },
    latestStamp() {
      return (selectLatest.get(issueId, channel) as string | null) ?? undefined;
    },
    unfinishedResend() {
      return openResendOf(selectRun.get(issueId, channel) as RunResendColumns | undefined);
    },
    record(entry) {
      const email = canonicalAddress(entry.email);
      upsert.run({ ...entry, issueId, channel, email, updatedAt: now().toISOString() });
      dropErased([{ ...entry, email }], 0, 1);
    },
    recordMany(entries) {
      writeAll(mergeBatch(entries), now().toISOString());
    },
    startRun(planned, resendSince) {
      runStart ??= prepareRunStart();
      runStart.run(issueId, channel, planned, now().toISOString(), resendSince ?? null, resendSince ?? null);
    },
    finishRun(outcome, keepResendOpen) {
      runFinish ??= prepareRunFinish();
      const how = keepResendOpen ? 'part' : outcome;
      runFinish.run(now().toISOString(), outcome, how, how, issueId, channel);
    },
  };
}

/**
 * A run's row on start. A resend opens its generation (`open_resend_since`); a plain run leaves an
 * open one as it is: it sends only readers without a row, and clearing it made the next `--resend`
 * begin a new generation, mailing the readers the interrupted one had reached a third copy.
 * Shared by the SQLite and PostgreSQL ledgers (placeholders are the caller's).
 */
export const RUN_START_CONFLICT = `ON CONFLICT (issue_id, channel) DO UPDATE SET planned = excluded.planned,
  started_at = excluded.started_at, finished_at = NULL, outcome = NULL, resend_started_at = excluded.resend_started_at,
  open_resend_since = COALESCE(excluded.open_resend_since,
    CASE WHEN runs.resend_started_at IS NOT NULL AND runs.outcome = 'complete' THEN NULL ELSE runs.open_resend_since END)`;

/**
 * A run's row on finish (placeholders: finished_at, outcome, then twice the outcome, or 'part' for a
 * run over part of the list): a resend that completes closes its generation; any other end, or a
 * resend of only some readers, leaves it open to be resumed. A run over part of the list is not
 * recorded as the resend itself, so its "complete" never reads as the resend's end.
 */
export const RUN_FINISH_SET = `finished_at = ?, outcome = ?,
  open_resend_since = CASE WHEN ? = 'complete' AND resend_started_at IS NOT NULL THEN NULL ELSE open_resend_since END,
  resend_started_at = CASE WHEN ? = 'part' THEN NULL ELSE resend_started_at END`;

/** The columns of a `runs` row that say whether a resend is open; either may be missing in an old file. */
export interface RunResendColumns {
  outcome: string | null;
  resend_started_at?: string | null;
  open_resend_since?: string | null;
}

/**
 * The open resend a run row holds. A row written before `open_resend_since` existed (or by a
 * release without it, which set only `resend_started_at`) reads as before: the last run's resend,
 * unless it completed.
 */
export function openResendOf(run: RunResendColumns | undefined): string | undefined {
  if (!run) return undefined;
  // The last run was a resend that completed: nothing is open, whatever a release that does not
  // know `open_resend_since` left in it.
  if (run.resend_started_at && run.outcome === 'complete') return undefined;
  // A release without the column may have begun another resend since: then that one is open.
  if (run.resend_started_at) return run.resend_started_at;
  return run.open_resend_since ?? undefined;
}

/**
 * A statement for each number of rows, prepared on first use: a few counts serve every batch, as
 * batches are cut at MANY_ROWS.
 */
function preparedPerCount(
  db: StateDb,
  sqlFor: (count: number) => string,
): (count: number) => ReturnType<StateDb['prepare']> {
  const statements = new Map<number, ReturnType<StateDb['prepare']>>();
  return (count) => {
    let found = statements.get(count);
    if (!found) {
      found = db.prepare(sqlFor(count));
      statements.set(count, found);
    }
    return found;
  };
}

/** Rows per multi-row statement: bounded so a few prepared statements serve every batch size. */
const MANY_ROWS = 32;

export interface ChannelStatus {
  channel: Channel;
  planned: number | undefined;
  sent: number;
  failed: number;
  deferred: number;
  /** Planned in the last run and not tried yet: neither accepted, refused nor deferred. */
  pending: number | undefined;
  lastRun:
    | { startedAt: string; finishedAt: string | null; outcome: string | null; resendStartedAt: string | null }
    | undefined;
  /** The start of a `--resend` not completed yet, also when plain runs came after it (see `unfinishedResend`). */
  openResend: string | null;
  failures: DeliveryRecord[];
}

/** What `rolecast status` shows: counts per channel and every failure with the server's reply. */
export function readStatus(db: StateDb, issueId: string): ChannelStatus[] {
  const channels = db
    .prepare(
      `SELECT channel FROM deliveries WHERE issue_id = ? UNION SELECT channel FROM runs WHERE issue_id = ? ORDER BY channel DESC`,
    )
    .pluck()
    .all(issueId, issueId) as Channel[];
  return channels.map((channel) => {
    const counts = db
      .prepare('SELECT status, COUNT(*) AS n FROM deliveries WHERE issue_id = ? AND channel = ? GROUP BY status')
      .all(issueId, channel) as { status: DeliveryStatus; n: number }[];
    // SELECT *: a state file from before resend_started_at existed may be open read-only here.
    const run = db.prepare('SELECT * FROM runs WHERE issue_id = ? AND channel = ?').get(issueId, channel) as
      | RunRow
      | undefined;
    const failures = db
      .prepare(
        `SELECT * FROM deliveries WHERE issue_id = ? AND channel = ? AND status != 'sent' ORDER BY status, email`,
      )
      .all(issueId, channel) as DeliveryRow[];
    return channelStatus(channel, counts, run, failures);
  });
}

/** Said when a `--resend` resumes the open one. */
export function resumingResendLine(since: string): string {
  return `resuming the --resend started at ${since}: readers it already reached are not sent it again`;
}

/** Said when a plain send runs while a `--resend` is open. */
export function openResendNote(since: string): string {
  return `note: the --resend started at ${since} has not completed; this send reaches only readers without a message yet, and \`send --resend\` finishes that resend without mailing anyone it reached twice`;
}

/** A run among its issue's resends, as `resendGeneration` works it out. */
export interface ResendGeneration {
  /** The resend this run is (the open one it resumes, or a new one); undefined for a plain run. */
  since: string | undefined;
  /** The open resend it resumes, whose readers already reached are not sent it again. */
  resumed: string | undefined;
  /** For a plain run: the resend left open, which this run does not finish. */
  leftOpen: string | undefined;
}

/**
 * Which resend a run is. A resend is one generation: an open one (cut short, plain runs since or
 * not) is resumed; otherwise a new one starts (see `resendStart`). `given`: the caller's resend,
 * for a run that is part of it (a scheduled wave).
 */
export async function resendGeneration(
  ledger: ResendLedger,
  resend: boolean,
  now: Date,
  given?: string,
): Promise<ResendGeneration> {
  const open = given ?? (await ledger.unfinishedResend());
  if (!resend) return { since: undefined, resumed: undefined, leftOpen: open };
  const since = open ?? resendStart(now, await ledger.latestStamp());
  return { since, resumed: open, leftOpen: undefined };
}

/** A run over part of the list (some segments, some addresses): a resend it completes is not complete. */
export function coversPartOfList(run: {
  segments?: readonly string[] | undefined;
  onlyEmails?: ReadonlySet<string> | undefined;
}): boolean {
  return (run.segments?.length ?? 0) > 0 || run.onlyEmails !== undefined;
}

/**
 * A clock for a resend's ledger rows: never earlier than the resend's start. Resumed, a resend
 * counts as reached the rows stamped since its start, so a clock behind the one that started it (a
 * clock stepped back, a worker host minutes behind) must not make a reached reader look owed.
 */
export function stampsFrom(now: () => Date, floor: () => string | undefined): () => Date {
  return () => {
    const at = now();
    const since = floor();
    const least = since === undefined ? Number.NaN : Date.parse(since);
    return at.getTime() < least ? new Date(least) : at;
  };
}

/**
 * When a new `--resend` starts: now, or just after the latest row already written when that is
 * later (a clock that ran fast during the first send). Resumed, a resend counts as reached the
 * rows stamped since its start, so no row of the first send may carry a later stamp.
 */
export function resendStart(now: Date, latestStamp: string | undefined): string {
  const latest = latestStamp ? Date.parse(latestStamp) : Number.NaN;
  return Number.isFinite(latest) && latest >= now.getTime() ? new Date(latest + 1).toISOString() : now.toISOString();
}
