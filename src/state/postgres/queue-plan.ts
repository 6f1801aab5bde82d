import type { QueryResult, QueryResultRow } from 'pg';
import type { PoolClient } from '../../db/postgres.js';
import { RolecastError } from '../../errors.js';
import type { Subscriber } from '../../model/subscriber.js';
import { RUN_START_CONFLICT } from '../../send/ledger.js';
import { type LockRow, lockDecision, lockedError } from '../../send/lock.js';
import { type PlanParts, planDifferences, storedParts } from './plan-differences.js';
import { writePlanReaders } from './plan-readers.js';

/**
 * Writing or joining the plan of a send (see queue.ts): under an advisory lock per issue and
 * channel, in the caller's transaction, so two workers starting at once never write two plans and
 * a worker with another audience sees the first one's registration.
 */

export interface QueueWorker {
  id: string;
  host: string;
  pid: number;
}

/** Now in ms since the epoch: the parameter when a test gives a clock, else the database's clock. */
export const NOW = (param: number) =>
  `COALESCE($${param}::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint)`;

/** A `send_workers` row (as `alias`) still running at `now` (an SQL expression): not stopped, heartbeat within its lease. */
export const LIVE_WORKER = (now: string, alias = 'w') =>
  `${alias}.stopped_at IS NULL AND ${alias}.heartbeat_at + ${alias}.lease_ms > ${now}`;

/**
 * A lease that ran out while the database was down (restarted, failed over) is kept one more lease
 * after it came back: its holder could not renew or record meanwhile, and may still be waiting to
 * record what it sent (see the worker's outage patience) before another worker sends it again.
 */
export const RESTART_GRACE_END = (startedParam: number, leaseParam: number) =>
  `COALESCE($${startedParam}::bigint, (extract(epoch from pg_postmaster_start_time()) * 1000)::bigint) + $${leaseParam}`;

export interface PlanItem {
  /** Canonical address. */
  email: string;
  variantId: string;
}

export interface PlanProposal {
  items: PlanItem[];
  /** Readers in the plan's audience, sent already or not: the run's planned count. */
  readers: number;
  /** Message-ID salt of this generation (a resend's start), shared by every worker. */
  salt: string;
  resendSince?: string | undefined;
  /** The list the plan was made from, kept for workers that join it (see plan-readers.ts). */
  keptReaders?: readonly Subscriber[] | undefined;
}

/**
 * How a worker sending to the readers a plan kept (see plan-readers.ts) is told apart from one with
 * other options or messages: an erasure since the plan was written leaves its audience, and so its
 * fingerprint, short of the plan's, which it joins all the same when `agrees` says it should.
 */
export interface KeptReadersCheck {
  /** This worker's check, stored with a plan it writes that keeps its readers. */
  check: string;
  /** The plan whose kept readers this worker took, when it took them. */
  from?: string | undefined;
  /** Whether this worker's check agrees with the one stored with that plan. */
  agrees(stored: string): boolean;
}

export interface StoredPlan {
  planId: string;
  fingerprint: string;
  readers: number;
  items: number;
  salt: string;
  resendSince: string | null;
  createdAt: string;
  createdBy: string;
}

export interface OpenedPlan {
  plan: StoredPlan;
  /** This worker wrote the plan (the first of a run), else it joined one already open. */
  wrote: boolean;
  /** An unfinished plan for another audience was replaced: no worker was left on it. */
  replaced: StoredPlan | undefined;
  /** The plan was begun under another ROLECAST_SECRET by workers no longer running; it now goes on under this one. */
  rekeyed: boolean;
}

export interface PlanContext {
  issueId: string;
  channel: string;
  worker: QueueWorker;
  leaseMs: number;
  /** A send lock held on another host does not keep this worker out (`--break-lock`). */
  breakLock?: boolean | undefined;
  now(): number | null;
  iso(): string;
  query<R extends object>(
    sql: string,
    params: unknown[],
    client?: PoolClient,
  ): Promise<QueryResult<R & QueryResultRow>>;
}

export async function openPlanIn(
  ctx: PlanContext,
  client: PoolClient,
  fingerprint: string,
  propose: (recorded: Map<string, string>) => PlanProposal,
  keyCheck: string,
  kept?: KeptReadersCheck | undefined,
  parts?: PlanParts | undefined,
): Promise<OpenedPlan> {
  const { issueId, channel, worker, iso, query } = ctx;
  // A worker registers here, not where it first looked at the send lock: under the lock's own
  // advisory lock, as the one sender (a scheduled send) takes it, so one of them always sees the
  // other, and a scheduled send that took the lock since that first look keeps this worker out.
  await query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rolecast:lock:${issueId}`], client);
  const holder = await query<LockRow>(
    'SELECT pid, host, token, started_at, proc_start FROM locks WHERE issue_id = $1',
    [issueId],
    client,
  );
  const decided = lockDecision(holder.rows[0], ctx.breakLock);
  if (decided.refusedBy) throw lockedError(issueId, decided.refusedBy, 'postgres');
  // One plan writer at a time per issue and channel; joiners wait here the few milliseconds it takes.
  await query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rolecast:plan:${issueId}:${channel}`], client);
  const existing = await query<PlanRow & { open: number }>(
    `SELECT p.*, (SELECT count(*) FROM send_items i WHERE i.issue_id = p.issue_id AND i.channel = p.channel
                    AND i.plan_id = p.plan_id AND NOT i.done)::int AS open
     FROM send_plans p WHERE p.issue_id = $1 AND p.channel = $2`,
    [issueId, channel],
    client,
  );
  const open = existing.rows[0];
  let replaced: StoredPlan | undefined;
  if (open && open.open > 0) {
    if (open.fingerprint === fingerprint || takesKeptReaders(open, kept)) {
      let rekeyed = false;
      if (open.key_check !== keyCheck) {
        // Links signed with another key fail at `serve`: never two keys in one plan at once.
        const live = await liveWorkers(ctx, client);
        if (live.length > 0)
          throw new RolecastError(
            'E_USAGE',
            `another worker (${live.join(', ')}) is sending ${issueId} with another ROLECAST_SECRET: the unsubscribe links one of them writes would not verify at serve`,
            { hint: 'start every worker (and serve) with the same ROLECAST_SECRET; nothing was sent' },
          );
        await query(
          'UPDATE send_plans SET key_check = $3 WHERE issue_id = $1 AND channel = $2',
          [issueId, channel, keyCheck],
          client,
        );
        rekeyed = true;
      }
      // A plan resumed after every worker stopped (interrupted, aborted): its run is running again.
      await query(
        'UPDATE runs SET finished_at = NULL, outcome = NULL WHERE issue_id = $1 AND channel = $2 AND finished_at IS NOT NULL',
        [issueId, channel],
        client,
      );
      await settleSentElsewhere(ctx, client, open.plan_id);
      await register(ctx, client, open.plan_id);
      return { plan: fromRow(open), wrote: false, replaced: undefined, rekeyed };
    }
    const live = await liveWorkers(ctx, client);
    if (live.length > 0) {
      const names = live.join(', ');
      throw new RolecastError(
        'E_USAGE',
        `another worker (${names}) is sending ${issueId} with a different plan: ${open.readers} reader(s) planned at ${open.created_at}, and ${
          planDifferences(open.parts ?? null, parts) ??
          "this worker's subscribers, segments or options give another audience, or its issue, templates or config render other messages"
        }`,
        {
          hint: 'start every worker with the same issue folder, config, subscriber list, --segment and --resend options, or wait until those workers finish (a worker killed without a word counts as live until its lease runs out, 30 s by default); nothing was sent',
        },
      );
    }
    replaced = fromRow(open);
  }
  const recorded = await query<{ email: string; status: string }>(
    'SELECT email, status FROM deliveries WHERE issue_id = $1 AND channel = $2',
    [issueId, channel],
    client,
  );
  const proposal = propose(new Map(recorded.rows.map((r) => [r.email, r.status])));
  const plan: StoredPlan = {
    planId: `${Date.now().toString(36)}-${worker.id}`,
    fingerprint,
    readers: proposal.readers,
    items: proposal.items.length,
    salt: proposal.salt,
    resendSince: proposal.resendSince ?? null,
    createdAt: iso(),
    createdBy: `pid ${worker.pid} on ${worker.host}`,
  };
  await query(
    `WITH gone AS (DELETE FROM send_items WHERE issue_id = $1 AND channel = $2 RETURNING 1)
     INSERT INTO send_plans (issue_id, channel, plan_id, fingerprint, readers, items, salt, resend_since, created_at, created_by, key_check, kept_check, parts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT (issue_id, channel) DO UPDATE SET plan_id = excluded.plan_id, fingerprint = excluded.fingerprint,
       readers = excluded.readers, items = excluded.items, salt = excluded.salt, resend_since = excluded.resend_since,
       created_at = excluded.created_at, created_by = excluded.created_by, key_check = excluded.key_check,
       kept_check = excluded.kept_check, parts = excluded.parts`,
    [
      issueId,
      channel,
      plan.planId,
      fingerprint,
      plan.readers,
      plan.items,
      plan.salt,
      plan.resendSince,
      plan.createdAt,
      plan.createdBy,
      keyCheck,
      proposal.keptReaders ? (kept?.check ?? null) : null,
      storedParts(parts),
    ],
    client,
  );
  await query(
    `INSERT INTO send_items (issue_id, channel, plan_id, seq, email, variant_id)
     SELECT $1, $2, $3, * FROM unnest($4::int[], $5::text[], $6::text[])`,
    [
      issueId,
      channel,
      plan.planId,
      proposal.items.map((_, i) => i),
      proposal.items.map((item) => item.email),
      proposal.items.map((item) => item.variantId),
    ],
    client,
  );
  await writePlanReaders(client, { issueId, channel, planId: plan.planId }, proposal.keptReaders);
  // The run record, as a single sender writes it: status counts pending as planned − sent − failed − deferred.
  await query(
    `INSERT INTO runs (issue_id, channel, planned, started_at, resend_started_at, open_resend_since)
     VALUES ($1, $2, $3, $4, $5, $5) ${RUN_START_CONFLICT}`,
    [issueId, channel, plan.readers, plan.createdAt, plan.resendSince],
    client,
  );
  await register(ctx, client, plan.planId);
  return { plan, wrote: true, replaced, rekeyed: false };
}

/** Workers of this issue and channel whose heartbeat is within their lease, as "pid P on HOST". */
async function liveWorkers(ctx: PlanContext, client: PoolClient): Promise<string[]> {
  const live = await ctx.query<{ host: string; pid: number }>(
    `SELECT host, pid FROM send_workers w WHERE issue_id = $1 AND channel = $2 AND ${LIVE_WORKER(NOW(3))}
     ORDER BY started_at`,
    [ctx.issueId, ctx.channel, ctx.now()],
    client,
  );
  return live.rows.map((w) => `pid ${w.pid} on ${w.host}`);
}

/**
 * Readers of the open plan recorded as sent in its generation (since its resend began, for a
 * resend) by another sender: a scheduled send, which takes the send lock only while no worker is
 * live, so only between workers. Done without a message, never mailed again by the plan; a worker
 * marks its own items done as it records them. Items another worker may still hold are left.
 */
async function settleSentElsewhere(ctx: PlanContext, client: PoolClient, plan: string): Promise<void> {
  await ctx.query(
    `UPDATE send_items i SET done = true, lease_owner = NULL, lease_expires_at = NULL,
       done_by = COALESCE(i.done_by, 'another send')
     FROM send_plans p
     WHERE i.issue_id = $1 AND i.channel = $2 AND i.plan_id = $3 AND NOT i.done
       AND (i.lease_owner IS NULL OR i.lease_expires_at <= ${NOW(4)})
       AND p.issue_id = i.issue_id AND p.channel = i.channel AND p.plan_id = i.plan_id
       AND EXISTS (SELECT 1 FROM deliveries d WHERE d.issue_id = i.issue_id AND d.channel = i.channel
         AND d.email = i.email AND d.status = 'sent' AND (p.resend_since IS NULL OR d.updated_at >= p.resend_since))`,
    [ctx.issueId, ctx.channel, plan, ctx.now()],
    client,
  );
}

/** In the plan's transaction: a worker with another plan arriving a moment later sees this one live. */
async function register(ctx: PlanContext, client: PoolClient, plan: string): Promise<void> {
  const { issueId, channel, worker, leaseMs, now, query } = ctx;
  await query(
    `INSERT INTO send_workers (worker_id, issue_id, channel, plan_id, host, pid, lease_ms, started_at, heartbeat_at)
     VALUES ($1, $2, $3, $8, $4, $5, $6, ${NOW(7)}, ${NOW(7)})`,
    [worker.id, issueId, channel, worker.host, worker.pid, leaseMs, now(), plan],
    client,
  );
}

/** This worker took the readers `open` kept, and agrees with it on everything else. */
function takesKeptReaders(open: PlanRow, kept: KeptReadersCheck | undefined): boolean {
  return kept?.from === open.plan_id && open.kept_check !== null && kept.agrees(open.kept_check);
}

interface PlanRow {
  plan_id: string;
  key_check: string;
  kept_check: string | null;
  /** Null for a plan of an older release (before state migration 6 of workers). */
  parts?: string | null;
  fingerprint: string;
  readers: number;
  items: number;
  salt: string;
  resend_since: string | null;
  created_at: string;
  created_by: string;
}

function fromRow(row: PlanRow): StoredPlan {
  return {
    planId: row.plan_id,
    fingerprint: row.fingerprint,
    readers: row.readers,
    items: row.items,
    salt: row.salt,
    resendSince: row.resend_since,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
