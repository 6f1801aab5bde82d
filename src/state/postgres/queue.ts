import type { QueryResultRow } from 'pg';
import { type Pool, type PoolClient, transaction } from '../../db/postgres.js';
import { hashedAddress } from '../../store/hash.js';
import { DELIVERY_UPSERT_CONFLICT } from '../delivery-upsert.js';
import { ERASURE_LOCK_SQL, hashedKeySql } from '../postgres-schema.js';
import { dropFinishedPlanReaders } from './plan-readers.js';
import {
  type KeptReadersCheck,
  LIVE_WORKER,
  NOW,
  type OpenedPlan,
  openPlanIn,
  type PlanContext,
  type PlanProposal,
  type QueueWorker,
  RESTART_GRACE_END,
} from './queue-plan.js';

/**
 * The key an erased reader leaves on the suppression list (src/store/hash.ts), computed in SQL from
 * the item's canonical address, so a reader forgotten during the send is skipped like any other.
 */
const HASHED_KEY_SQL = hashedKeySql('i.email');

export type { KeptReadersCheck, OpenedPlan, PlanItem, PlanProposal, QueueWorker, StoredPlan } from './queue-plan.js';

/**
 * The work queue of cooperating `send` workers in PostgreSQL. Every method is one round trip
 * (data-modifying CTEs keep each step a single atomic statement), except writing a plan, which is
 * one transaction. Times are milliseconds since the epoch from the database's clock, or from
 * `clock` when a test gives one, so hosts with skewed clocks agree on when a lease runs out.
 */

export interface QueueOptions {
  issueId: string;
  channel: string;
  worker: QueueWorker;
  /** How long a claim or heartbeat holds items; a worker silent for longer loses them. */
  leaseMs: number;
  /** Milliseconds since the epoch; default the database's clock. */
  clock?: (() => number) | undefined;
  /**
   * When the database server last started (ms since the epoch); default its own
   * pg_postmaster_start_time(), or no restart at all when `clock` is given.
   */
  serverStartedAt?: (() => number) | undefined;
}

export interface ClaimedItem {
  seq: number;
  email: string;
  variantId: string;
  /** How many times the item was claimed, this claim included: above 1, a worker lost it before. */
  claims: number;
  /** Added to the suppression list since the plan was written: skipped, not sent. */
  suppressed: boolean;
  /** Tries so far and how many of them a server greylisted, when a worker handed the item back (else 0). */
  tries: number;
  greylists: number;
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
    }
  /**
   * Greylisted: back to the plan, unleased, not taken by any worker before `retryMs` has passed (by the
   * database's clock), with its tries so far; nothing in the ledger yet.
   */
  | {
      seq: number;
      email: string;
      variantId: string;
      status: 'later';
      retryMs: number;
      tries: number;
      greylists: number;
    };

export interface QueueProgress {
  items: number;
  open: number;
  /** Open items leased to other workers whose lease has not run out. */
  leasedElsewhere: number;
  /** When the next of those leases runs out or a greylisted item may be taken again, and the queue's time now (ms). */
  nextExpiry: number | null;
  now: number;
}

export interface SendQueue {
  /**
   * Joins the open plan with this fingerprint, or writes a new one from `propose` (given the ledger).
   * `keyCheck` is a keyed hash of the signing secret ('' without one): a live worker with another is refused.
   * `kept`: for readers from the subscriber store, what joining the plan whose kept readers were taken needs.
   */
  openPlan(
    fingerprint: string,
    propose: (recorded: Map<string, string>) => PlanProposal,
    keyCheck?: string,
    kept?: KeptReadersCheck,
  ): Promise<OpenedPlan>;
  /** Renews this worker's heartbeat and leases: the items it still holds, and how many workers are live. */
  heartbeat(): Promise<{ held: Set<number>; liveWorkers: number }>;
  /**
   * Up to `limit` open items whose lease is free or ran out, leased to this worker. `holding`: the
   * items this worker knows it holds; any other item leased to it (a claim whose answer was lost) is
   * taken again, since its heartbeat would otherwise renew that lease for ever with nobody sending;
   * an item in `holding` still leased to it is never returned, even once its lease ran out.
   * Without `holding`, items leased to this worker are left as they are.
   */
  claim(limit: number, holding?: Iterable<number>): Promise<ClaimedItem[]>;
  /** Records outcomes in the ledger and marks their items done, in one statement; `lost`: items another worker had claimed meanwhile. */
  complete(outcomes: readonly ItemOutcome[]): Promise<{ lost: number }>;
  progress(): Promise<QueueProgress>;
  /**
   * Marks items done without their ledger rows, for outcomes the ledger refused: no worker sends them
   * again, and the rows come from this host's side file on its next send (replayUnrecordedIntoQueue).
   */
  markDone(seqs: readonly number[]): Promise<void>;
  /**
   * Gives up this worker's unfinished items at once (a clean exit) and marks it stopped; items in
   * `keep` (sent, not recorded) keep their lease until it runs out.
   */
  release(keep?: readonly number[]): Promise<number>;
  /** Ends the run record once no item is open: complete, or failed when some reader was not reached. */
  /** `keepResendOpen`: the plan covers part of the list, so a resend it completes is not complete (see the contract). */
  finishRun(outcomeIfOpen: string | undefined, keepResendOpen?: boolean): Promise<string | undefined>;
  /** Statements sent to the database so far. */
  roundTrips(): number;
}

export function openSendQueue(pool: Pool, options: QueueOptions): SendQueue {
  const { issueId, channel, worker, leaseMs } = options;
  let trips = 0;
  let planId: string | undefined;
  const now = () => options.clock?.() ?? null;
  const serverStartedAt = () => options.serverStartedAt?.() ?? (options.clock ? 0 : null);
  const iso = () => new Date(options.clock?.() ?? Date.now()).toISOString();
  const query = <R extends object>(sql: string, params: unknown[], client?: PoolClient) => {
    trips++;
    return (client ?? pool).query<R & QueryResultRow>(sql, params);
  };
  const context: PlanContext = { issueId, channel, worker, leaseMs, now, iso, query };
  const currentPlan = () => {
    if (!planId) throw new Error('openPlan first');
    return planId;
  };

  return {
    async openPlan(fingerprint, propose, keyCheck = '', kept) {
      const client = await pool.connect();
      try {
        await query('BEGIN', [], client);
        try {
          const opened = await openPlanIn(context, client, fingerprint, propose, keyCheck, kept);
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
                AND ${LIVE_WORKER(NOW(4))})::int AS live`,
        [issueId, channel, worker.id, now(), leaseMs],
      );
      const row = result.rows[0]!;
      return { held: new Set(row.held), liveWorkers: row.live };
    },

    async claim(limit, holding) {
      const result = await query<{
        seq: number;
        email: string;
        variant_id: string;
        claims: number;
        suppressed: boolean;
        tries: number;
        greylists: number;
      }>(
        `WITH picked AS (
           SELECT seq FROM send_items
           WHERE issue_id = $1 AND channel = $2 AND plan_id = $6 AND NOT done
             AND (lease_expires_at IS NULL OR GREATEST(lease_expires_at, ${RESTART_GRACE_END(8, 7)}) <= ${NOW(4)}
               OR ($9::int[] IS NOT NULL AND lease_owner = $3 AND NOT (seq = ANY($9::int[]))))
             -- Never an item this worker holds, though its lease ran out (beats that could not reach
             -- the database): its batch may have sent it, unrecorded yet, and a second batch would mail
             -- it again. Another worker may take it over; one it handed back (unleased) it may claim.
             AND NOT COALESCE(lease_owner = $3 AND seq = ANY($9::int[]), false)
             AND (not_before IS NULL OR not_before <= ${NOW(4)})
           ORDER BY seq LIMIT $5
           FOR UPDATE SKIP LOCKED
         )
         UPDATE send_items i SET lease_owner = $3, lease_expires_at = ${NOW(4)} + $7, claims = i.claims + 1
         FROM picked WHERE i.issue_id = $1 AND i.channel = $2 AND i.seq = picked.seq
         RETURNING i.seq, i.email, i.variant_id, i.claims, i.tries, i.greylists,
           EXISTS (SELECT 1 FROM suppressions s WHERE s.email IN (i.email, ${HASHED_KEY_SQL})) AS suppressed`,
        [
          issueId,
          channel,
          worker.id,
          now(),
          limit,
          currentPlan(),
          leaseMs,
          serverStartedAt(),
          holding ? [...holding] : null,
        ],
      );
      return result.rows
        .map((r) => ({
          seq: r.seq,
          email: r.email,
          variantId: r.variant_id,
          claims: r.claims,
          suppressed: r.suppressed,
          tries: r.tries,
          greylists: r.greylists,
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
        retryMs: [] as (number | null)[],
        greylists: [] as number[],
      };
      for (const o of outcomes) {
        cols.seq.push(o.seq);
        cols.email.push(o.email);
        cols.variant.push(o.variantId);
        cols.status.push(o.status);
        cols.retryMs.push(o.status === 'later' ? o.retryMs : null);
        cols.greylists.push(o.status === 'later' ? o.greylists : 0);
        if (o.status === 'skipped' || o.status === 'later') {
          cols.messageId.push(null);
          cols.code.push(null);
          cols.response.push(null);
          cols.attempts.push(o.status === 'later' ? o.tries : 0);
          cols.at.push(iso());
          continue;
        }
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
           -- The erasure lock first, before any send_items row is locked below: taken by the ledger
           -- rows' trigger only, it could wait on a forget that waits on those rows (state migration 3).
           SELECT o.* FROM (SELECT pg_advisory_xact_lock_shared(${ERASURE_LOCK_SQL})) AS erasure,
             unnest($4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[], $11::int[], $12::text[], $14::text[],
               $15::bigint[], $16::int[])
             AS o(seq, email, variant_id, status, message_id, response_code, response, attempts, updated_at, hashed, retry_ms, greylists)
         ), prev AS (
           SELECT seq, lease_owner, done, done_by FROM send_items
           WHERE issue_id = $1 AND channel = $2 AND plan_id = $13 AND seq = ANY($4::int[])
         ), written AS (
           INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, response_code, response, attempts, updated_at)
           SELECT $1, $2, email, variant_id, status, message_id, response_code, response, attempts, updated_at
           -- A reader erased while their message was in flight: forget already deleted their rows.
           FROM o WHERE status NOT IN ('skipped', 'later') AND NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.email = o.hashed)
             -- Written already by this worker (a write tried again after its answer was lost): its tries are not added twice.
             AND NOT EXISTS (SELECT 1 FROM prev p WHERE p.seq = o.seq AND p.done AND p.done_by = $3)
           ${DELIVERY_UPSERT_CONFLICT}
           RETURNING 1
         ), marked AS (
           UPDATE send_items i SET done = true, lease_owner = NULL, lease_expires_at = NULL, done_by = COALESCE(i.done_by, $3)
           FROM o WHERE i.issue_id = $1 AND i.channel = $2 AND i.plan_id = $13 AND i.seq = o.seq AND o.status <> 'later'
           RETURNING i.seq
         ), handed AS (
           -- Greylisted: unleased until its time, for whichever worker claims it then. Only while the
           -- lease is still this worker's: an item another worker took over is theirs. Each hand-back
           -- adds a greylisting: one written already (tried again after its answer was lost, the item
           -- maybe claimed again since for its next try) is not written twice.
           UPDATE send_items i SET lease_owner = NULL, lease_expires_at = NULL,
             not_before = ${NOW(17)} + o.retry_ms, tries = o.attempts, greylists = o.greylists
           FROM o WHERE i.issue_id = $1 AND i.channel = $2 AND i.plan_id = $13 AND i.seq = o.seq AND o.status = 'later'
             AND i.lease_owner = $3 AND NOT i.done AND i.greylists < o.greylists
           RETURNING i.seq
         ), counted AS (
           -- A write tried again after its answer was lost (its first try committed) counts nothing twice.
           UPDATE send_workers SET sent = sent + (SELECT count(*) FROM o JOIN prev USING (seq)
             WHERE o.status = 'sent' AND NOT (prev.done AND prev.done_by = $3))
           WHERE worker_id = $3 RETURNING 1
         )
         -- A greylisted reader handed back was delivered nothing: never lost, whoever holds them now.
         SELECT (SELECT count(*) FROM prev JOIN o USING (seq) WHERE o.status <> 'later' AND CASE WHEN done
             THEN done_by IS DISTINCT FROM $3 ELSE lease_owner IS DISTINCT FROM $3 END)::int AS lost,
           (SELECT count(*) FROM written)::int AS written, (SELECT count(*) FROM marked)::int AS marked,
           (SELECT count(*) FROM handed)::int AS handed, (SELECT count(*) FROM counted)::int AS counted`,
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
          currentPlan(),
          cols.email.map(hashedAddress),
          cols.retryMs,
          cols.greylists,
          now(),
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
           LEAST(min(lease_expires_at) FILTER (WHERE NOT done AND lease_expires_at > (SELECT ms FROM t)),
             min(not_before) FILTER (WHERE NOT done AND lease_owner IS NULL AND not_before > (SELECT ms FROM t))) AS next_expiry,
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

    async markDone(seqs) {
      if (seqs.length === 0) return;
      await query(
        `UPDATE send_items SET done = true, lease_owner = NULL, lease_expires_at = NULL, done_by = COALESCE(done_by, $3)
         WHERE issue_id = $1 AND channel = $2 AND plan_id = $4 AND seq = ANY($5::int[])`,
        [issueId, channel, worker.id, currentPlan(), [...seqs]],
      );
    },

    async release(keep = []) {
      const result = await query<{ released: number }>(
        `WITH released AS (
           UPDATE send_items SET lease_owner = NULL, lease_expires_at = NULL
           WHERE issue_id = $1 AND channel = $2 AND lease_owner = $3 AND NOT done AND NOT (seq = ANY($5::int[])) RETURNING 1
         ), stopped AS (
           UPDATE send_workers SET stopped_at = ${NOW(4)}, heartbeat_at = ${NOW(4)} WHERE worker_id = $3 RETURNING 1
         ), unkept AS (
           -- The last worker gone: the readers kept for workers joining the plan are needed no more.
           DELETE FROM send_plan_readers r WHERE r.issue_id = $1 AND r.channel = $2
             AND NOT EXISTS (SELECT 1 FROM send_workers w WHERE w.issue_id = $1 AND w.channel = $2 AND w.worker_id <> $3
               AND ${LIVE_WORKER(NOW(4))})
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM released)::int AS released, (SELECT count(*) FROM stopped)::int AS stopped,
           (SELECT count(*) FROM unkept)::int AS unkept`,
        [issueId, channel, worker.id, now(), [...keep]],
      );
      return result.rows[0]!.released;
    },

    async finishRun(outcomeIfOpen, keepResendOpen = false) {
      // Once nothing is open the run is over whoever sent the last item; while items are open it is
      // closed only by a worker that stops for a reason (interrupted, aborted) and leaves no other.
      // Tables filled during this send have no statistics yet: the planner then takes a nested loop
      // over items × deliveries, quadratic (39 s for 10,000 readers). A hash join is linear.
      const result = await transaction(pool, async (client) => {
        await client.query('SET LOCAL enable_nestloop = off');
        await dropFinishedPlanReaders(client, { issueId, channel, planId: currentPlan() });
        return query<{ outcome: string | null }>(
          `WITH t AS (SELECT ${NOW(4)} AS ms),
         state AS (
           SELECT (SELECT count(*) FROM send_items WHERE issue_id = $1 AND channel = $2 AND plan_id = $5 AND NOT done) AS open,
             (SELECT count(*) FROM send_workers w WHERE w.issue_id = $1 AND w.channel = $2 AND w.worker_id <> $3
               AND ${LIVE_WORKER('(SELECT ms FROM t)')}) AS others,
             (SELECT count(*) FROM send_items i JOIN deliveries d
                ON d.issue_id = i.issue_id AND d.channel = i.channel AND d.email = i.email
              WHERE i.issue_id = $1 AND i.channel = $2 AND i.plan_id = $5 AND d.status <> 'sent') AS unreached
         ), decided AS (
           SELECT CASE WHEN open = 0 AND unreached = 0 THEN 'complete'
                       WHEN open = 0 THEN 'failed'
                       WHEN others = 0 THEN $6::text END AS outcome FROM state
         )
         UPDATE runs SET finished_at = $7, outcome = decided.outcome,
           open_resend_since = CASE WHEN decided.outcome = 'complete' AND runs.resend_started_at IS NOT NULL
             AND NOT $8::boolean THEN NULL ELSE runs.open_resend_since END,
           resend_started_at = CASE WHEN $8::boolean THEN NULL ELSE runs.resend_started_at END
         FROM decided
         WHERE issue_id = $1 AND channel = $2 AND decided.outcome IS NOT NULL AND runs.finished_at IS NULL
         RETURNING runs.outcome`,
          [issueId, channel, worker.id, now(), currentPlan(), outcomeIfOpen ?? null, iso(), keepResendOpen],
          client,
        );
      });
      return result.rows[0]?.outcome ?? undefined;
    },

    roundTrips: () => trips,
  };
}

/**
 * Messages an earlier run on this host listed as accepted but not recorded (its side file), recorded
 * as sent and their queue items marked done in one statement, before this worker claims anything:
 * none of them is sent again by any worker. Sent stays final, as in every ledger write.
 */
export async function recordReplayed(
  pool: Pool,
  entries: readonly {
    issueId: string;
    channel: string;
    email: string;
    variantId: string;
    messageId: string;
    at: string;
  }[],
  source: string,
): Promise<void> {
  // An address erased since the run stopped is not written back: it is suppressed anyway.
  const erased = new Set(
    (
      await pool.query<{ email: string }>('SELECT email FROM suppressions WHERE email = ANY($1::text[])', [
        entries.map((e) => hashedAddress(e.email)),
      ])
    ).rows.map((r) => r.email),
  );
  entries = entries.filter((e) => !erased.has(hashedAddress(e.email)));
  if (entries.length === 0) return;
  await pool.query(
    `WITH o AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS o(issue_id, channel, email, variant_id, message_id, at)
     ), written AS (
       INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, response_code, response, attempts, updated_at)
       SELECT DISTINCT ON (issue_id, channel, email) issue_id, channel, email, variant_id, 'sent', message_id, 250,
         'accepted at ' || at || '; recorded from ' || $7, 1, at
       FROM o ORDER BY issue_id, channel, email, at DESC
       ON CONFLICT (issue_id, channel, email) DO UPDATE SET
         variant_id = excluded.variant_id, status = excluded.status, message_id = excluded.message_id,
         response_code = excluded.response_code, response = excluded.response,
         attempts = deliveries.attempts + excluded.attempts, updated_at = excluded.updated_at
       WHERE deliveries.status <> 'sent'
       RETURNING 1
     ), marked AS (
       UPDATE send_items i SET done = true, lease_owner = NULL, lease_expires_at = NULL
       FROM o WHERE i.issue_id = o.issue_id AND i.channel = o.channel AND i.email = o.email AND NOT i.done
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM written)::int AS written, (SELECT count(*) FROM marked)::int AS marked`,
    [
      entries.map((e) => e.issueId),
      entries.map((e) => e.channel),
      entries.map((e) => e.email),
      entries.map((e) => e.variantId),
      entries.map((e) => e.messageId),
      entries.map((e) => e.at),
      source,
    ],
  );
}
