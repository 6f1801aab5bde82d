import type { QueryResultRow } from 'pg';
import type { Pool, PoolClient } from '../../db/postgres.js';
import { RolecastError } from '../../errors.js';

/**
 * The work queue of cooperating `send` workers in PostgreSQL. Every method is one round trip
 * (data-modifying CTEs keep each step a single atomic statement), except writing a plan, which is
 * one transaction. Times are milliseconds since the epoch from the database's clock, or from
 * `clock` when a test gives one, so hosts with skewed clocks agree on when a lease runs out.
 */

export interface QueueWorker {
  id: string;
  host: string;
  pid: number;
}

export interface QueueOptions {
  issueId: string;
  channel: string;
  worker: QueueWorker;
  /** How long a claim or heartbeat holds items; a worker silent for longer loses them. */
  leaseMs: number;
  /** Milliseconds since the epoch; default the database's clock. */
  clock?: (() => number) | undefined;
}

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
}

export interface ClaimedItem {
  seq: number;
  email: string;
  variantId: string;
  /** How many times the item was claimed, this claim included: above 1, a worker lost it before. */
  claims: number;
  /** Added to the suppression list since the plan was written: skipped, not sent. */
  suppressed: boolean;
}

export type ItemOutcome =
  | { seq: number; email: string; variantId: string; status: 'skipped' }
  | {
      seq: number;
      email: string;
      variantId: string;
      status: 'sent' | 'failed' | 'deferred';
      messageId: string | null;
      responseCode: number | null;
      response: string | null;
      attempts: number;
      updatedAt: string;
    };

export interface QueueProgress {
  items: number;
  open: number;
  /** Open items leased to other workers whose lease has not run out. */
  leasedElsewhere: number;
  /** When the next of those leases runs out, and the queue's time now (ms). */
  nextExpiry: number | null;
  now: number;
}

const NOW = (param: number) => `COALESCE($${param}::bigint, (extract(epoch from clock_timestamp()) * 1000)::bigint)`;

export interface SendQueue {
  /** Joins the open plan with this fingerprint, or writes a new one from `propose` (given the ledger). */
  openPlan(fingerprint: string, propose: (recorded: Map<string, string>) => PlanProposal): Promise<OpenedPlan>;
  /** Renews this worker's heartbeat and leases: the items it still holds, and how many workers are live. */
  heartbeat(): Promise<{ held: Set<number>; liveWorkers: number }>;
  /** Up to `limit` open items whose lease is free or ran out, leased to this worker. */
  claim(limit: number): Promise<ClaimedItem[]>;
  /** Records outcomes in the ledger and marks their items done, in one statement; `lost`: items another worker had claimed meanwhile. */
  complete(outcomes: readonly ItemOutcome[]): Promise<{ lost: number }>;
  progress(): Promise<QueueProgress>;
  /** Gives up this worker's unfinished items at once (a clean exit) and marks it stopped. */
  release(): Promise<number>;
  /** Ends the run record once no item is open: complete, or failed when some reader was not reached. */
  finishRun(outcomeIfOpen: string | undefined): Promise<string | undefined>;
  /** Statements sent to the database so far. */
  roundTrips(): number;
}

export function openSendQueue(pool: Pool, options: QueueOptions): SendQueue {
  const { issueId, channel, worker, leaseMs } = options;
  let trips = 0;
  let planId: string | undefined;
  const now = () => options.clock?.() ?? null;
  const iso = () => new Date(options.clock?.() ?? Date.now()).toISOString();
  const query = <R extends object>(sql: string, params: unknown[], client?: PoolClient) => {
    trips++;
    return (client ?? pool).query<R & QueryResultRow>(sql, params);
  };
  const currentPlan = () => {
    if (!planId) throw new Error('openPlan first');
    return planId;
  };

  return {
    async openPlan(fingerprint, propose) {
      const client = await pool.connect();
      try {
        await query('BEGIN', [], client);
        try {
          const opened = await openPlanIn(client, fingerprint, propose);
          await query('COMMIT', [], client);
          planId = opened.plan.planId;
          return opened;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          throw error;
        }
      } finally {
        client.release();
      }
    },

    async heartbeat() {
      const result = await query<{ held: number[]; live: number }>(
        `WITH hb AS (
           UPDATE send_workers SET heartbeat_at = ${NOW(4)} WHERE worker_id = $3 RETURNING 1
         ), renewed AS (
           UPDATE send_items SET lease_expires_at = ${NOW(4)} + $5
           WHERE issue_id = $1 AND channel = $2 AND lease_owner = $3 AND NOT done RETURNING seq
         )
         SELECT COALESCE((SELECT array_agg(seq) FROM renewed), '{}') AS held,
           1 + (SELECT count(*) FROM send_workers w WHERE w.issue_id = $1 AND w.channel = $2 AND w.worker_id <> $3
                AND w.stopped_at IS NULL AND w.heartbeat_at + w.lease_ms > ${NOW(4)})::int AS live`,
        [issueId, channel, worker.id, now(), leaseMs],
      );
      const row = result.rows[0]!;
      return { held: new Set(row.held), liveWorkers: row.live };
    },

    async claim(limit) {
      const result = await query<{
        seq: number;
        email: string;
        variant_id: string;
        claims: number;
        suppressed: boolean;
      }>(
        `WITH picked AS (
           SELECT seq FROM send_items
           WHERE issue_id = $1 AND channel = $2 AND plan_id = $6 AND NOT done
             AND (lease_expires_at IS NULL OR lease_expires_at <= ${NOW(4)})
           ORDER BY seq LIMIT $5
           FOR UPDATE SKIP LOCKED
         )
         UPDATE send_items i SET lease_owner = $3, lease_expires_at = ${NOW(4)} + $7, claims = i.claims + 1
         FROM picked WHERE i.issue_id = $1 AND i.channel = $2 AND i.seq = picked.seq
         RETURNING i.seq, i.email, i.variant_id, i.claims,
           EXISTS (SELECT 1 FROM suppressions s WHERE s.email = i.email) AS suppressed`,
        [issueId, channel, worker.id, now(), limit, currentPlan(), leaseMs],
      );
      return result.rows
        .map((r) => ({
          seq: r.seq,
          email: r.email,
          variantId: r.variant_id,
          claims: r.claims,
          suppressed: r.suppressed,
        }))
        .sort((a, b) => a.seq - b.seq);
    },

    async complete(outcomes) {
      if (outcomes.length === 0) return { lost: 0 };
      const cols = {
        seq: [] as number[],
        email: [] as string[],
        variant: [] as string[],
        status: [] as string[],
        messageId: [] as (string | null)[],
        code: [] as (number | null)[],
        response: [] as (string | null)[],
        attempts: [] as number[],
        at: [] as string[],
      };
      let sent = 0;
      for (const o of outcomes) {
        cols.seq.push(o.seq);
        cols.email.push(o.email);
        cols.variant.push(o.variantId);
        cols.status.push(o.status);
        if (o.status === 'skipped') {
          cols.messageId.push(null);
          cols.code.push(null);
          cols.response.push(null);
          cols.attempts.push(0);
          cols.at.push(iso());
          continue;
        }
        if (o.status === 'sent') sent++;
        cols.messageId.push(o.messageId);
        cols.code.push(o.responseCode);
        cols.response.push(o.response);
        cols.attempts.push(o.attempts);
        cols.at.push(o.updatedAt);
      }
      // The ledger rows and the items' done mark in one statement: both or neither. A "sent" row is
      // never turned back into failed or deferred by another worker's outcome for the same reader.
      const result = await query<{ lost: number }>(
        `WITH o AS (
           SELECT * FROM unnest($4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[], $11::int[], $12::text[])
             AS o(seq, email, variant_id, status, message_id, response_code, response, attempts, updated_at)
         ), written AS (
           INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, response_code, response, attempts, updated_at)
           SELECT $1, $2, email, variant_id, status, message_id, response_code, response, attempts, updated_at
           FROM o WHERE status <> 'skipped'
           ON CONFLICT (issue_id, channel, email) DO UPDATE SET
             variant_id = excluded.variant_id, status = excluded.status, message_id = excluded.message_id,
             response_code = excluded.response_code, response = excluded.response,
             attempts = deliveries.attempts + excluded.attempts, updated_at = excluded.updated_at
           WHERE deliveries.status <> 'sent' OR excluded.status = 'sent'
           RETURNING 1
         ), prev AS (
           SELECT seq, lease_owner, done FROM send_items
           WHERE issue_id = $1 AND channel = $2 AND plan_id = $14 AND seq = ANY($4::int[])
         ), marked AS (
           UPDATE send_items i SET done = true, lease_owner = NULL, lease_expires_at = NULL, done_by = COALESCE(i.done_by, $3)
           FROM o WHERE i.issue_id = $1 AND i.channel = $2 AND i.plan_id = $14 AND i.seq = o.seq
           RETURNING i.seq
         ), counted AS (
           UPDATE send_workers SET sent = sent + $13 WHERE worker_id = $3 RETURNING 1
         )
         SELECT (SELECT count(*) FROM prev WHERE done OR lease_owner IS DISTINCT FROM $3)::int AS lost,
           (SELECT count(*) FROM written)::int AS written, (SELECT count(*) FROM marked)::int AS marked,
           (SELECT count(*) FROM counted)::int AS counted`,
        [
          issueId,
          channel,
          worker.id,
          cols.seq,
          cols.email,
          cols.variant,
          cols.status,
          cols.messageId,
          cols.code,
          cols.response,
          cols.attempts,
          cols.at,
          sent,
          currentPlan(),
        ],
      );
      return { lost: result.rows[0]!.lost };
    },

    async progress() {
      const result = await query<{
        items: number;
        open: number;
        leased_elsewhere: number;
        next_expiry: number | null;
        now: number;
      }>(
        `WITH t AS (SELECT ${NOW(4)} AS ms)
         SELECT count(*)::int AS items, (count(*) FILTER (WHERE NOT done))::int AS open,
           (count(*) FILTER (WHERE NOT done AND lease_owner <> $3 AND lease_expires_at > (SELECT ms FROM t)))::int AS leased_elsewhere,
           min(lease_expires_at) FILTER (WHERE NOT done AND lease_expires_at > (SELECT ms FROM t)) AS next_expiry,
           (SELECT ms FROM t) AS now
         FROM send_items WHERE issue_id = $1 AND channel = $2 AND plan_id = $5`,
        [issueId, channel, worker.id, now(), currentPlan()],
      );
      const row = result.rows[0]!;
      return {
        items: row.items,
        open: row.open,
        leasedElsewhere: row.leased_elsewhere,
        nextExpiry: row.next_expiry === null ? null : Number(row.next_expiry),
        now: Number(row.now),
      };
    },

    async release() {
      const result = await query<{ released: number }>(
        `WITH released AS (
           UPDATE send_items SET lease_owner = NULL, lease_expires_at = NULL
           WHERE issue_id = $1 AND channel = $2 AND lease_owner = $3 AND NOT done RETURNING 1
         ), stopped AS (
           UPDATE send_workers SET stopped_at = ${NOW(4)}, heartbeat_at = ${NOW(4)} WHERE worker_id = $3 RETURNING 1
         )
         SELECT (SELECT count(*) FROM released)::int AS released, (SELECT count(*) FROM stopped)::int AS stopped`,
        [issueId, channel, worker.id, now()],
      );
      return result.rows[0]!.released;
    },

    async finishRun(outcomeIfOpen) {
      // Once nothing is open the run is over whoever sent the last item; while items are open it is
      // closed only by a worker that stops for a reason (interrupted, aborted) and leaves no other.
      const result = await query<{ outcome: string | null }>(
        `WITH t AS (SELECT ${NOW(4)} AS ms),
         state AS (
           SELECT (SELECT count(*) FROM send_items WHERE issue_id = $1 AND channel = $2 AND plan_id = $5 AND NOT done) AS open,
             (SELECT count(*) FROM send_workers w WHERE w.issue_id = $1 AND w.channel = $2 AND w.worker_id <> $3
               AND w.stopped_at IS NULL AND w.heartbeat_at + w.lease_ms > (SELECT ms FROM t)) AS others,
             (SELECT count(*) FROM send_items i JOIN deliveries d
                ON d.issue_id = i.issue_id AND d.channel = i.channel AND d.email = i.email
              WHERE i.issue_id = $1 AND i.channel = $2 AND i.plan_id = $5 AND d.status <> 'sent') AS unreached
         ), decided AS (
           SELECT CASE WHEN open = 0 AND unreached = 0 THEN 'complete'
                       WHEN open = 0 THEN 'failed'
                       WHEN others = 0 THEN $6::text END AS outcome FROM state
         )
         UPDATE runs SET finished_at = $7, outcome = decided.outcome FROM decided
         WHERE issue_id = $1 AND channel = $2 AND decided.outcome IS NOT NULL AND runs.finished_at IS NULL
         RETURNING runs.outcome`,
        [issueId, channel, worker.id, now(), currentPlan(), outcomeIfOpen ?? null, iso()],
      );
      return result.rows[0]?.outcome ?? undefined;
    },

    roundTrips: () => trips,
  };

  async function openPlanIn(
    client: PoolClient,
    fingerprint: string,
    propose: (recorded: Map<string, string>) => PlanProposal,
  ): Promise<OpenedPlan> {
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
      if (open.fingerprint === fingerprint) {
        await register(client, open.plan_id);
        return { plan: fromRow(open), wrote: false, replaced: undefined };
      }
      const live = await query<{ host: string; pid: number }>(
        `SELECT host, pid FROM send_workers WHERE issue_id = $1 AND channel = $2 AND stopped_at IS NULL
           AND heartbeat_at + lease_ms > ${NOW(3)} ORDER BY started_at`,
        [issueId, channel, now()],
        client,
      );
      if (live.rows.length > 0) {
        const names = live.rows.map((w) => `pid ${w.pid} on ${w.host}`).join(', ');
        throw new RolecastError(
          'E_USAGE',
          `another worker (${names}) is sending ${issueId} with a different plan: ${open.readers} reader(s) planned at ${open.created_at}, and this worker's subscribers, segments or options give another audience`,
          {
            hint: 'start every worker with the same subscriber list, --segment and --resend options, or wait until those workers finish; nothing was sent',
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
       INSERT INTO send_plans (issue_id, channel, plan_id, fingerprint, readers, items, salt, resend_since, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (issue_id, channel) DO UPDATE SET plan_id = excluded.plan_id, fingerprint = excluded.fingerprint,
         readers = excluded.readers, items = excluded.items, salt = excluded.salt, resend_since = excluded.resend_since,
         created_at = excluded.created_at, created_by = excluded.created_by`,
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
    // The run record, as a single sender writes it: status counts pending as planned − sent − failed.
    await query(
      `INSERT INTO runs (issue_id, channel, planned, started_at, resend_started_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (issue_id, channel) DO UPDATE SET planned = excluded.planned, started_at = excluded.started_at,
         finished_at = NULL, outcome = NULL, resend_started_at = excluded.resend_started_at`,
      [issueId, channel, plan.readers, plan.createdAt, plan.resendSince],
      client,
    );
    await register(client, plan.planId);
    return { plan, wrote: true, replaced };
  }

  /** In the plan's transaction: a worker with another plan arriving a moment later sees this one live. */
  async function register(client: PoolClient, plan: string): Promise<void> {
    await query(
      `INSERT INTO send_workers (worker_id, issue_id, channel, plan_id, host, pid, lease_ms, started_at, heartbeat_at)
       VALUES ($1, $2, $3, $8, $4, $5, $6, ${NOW(7)}, ${NOW(7)})`,
      [worker.id, issueId, channel, worker.host, worker.pid, leaseMs, now(), plan],
      client,
    );
  }
}

interface PlanRow {
  plan_id: string;
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
