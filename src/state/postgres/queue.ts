import type { QueryResultRow } from 'pg';
import { type Pool, type PoolClient, transaction } from '../../db/postgres.js';
import { hashedKeySql } from '../postgres-schema.js';
import { dropFinishedPlanReaders } from './plan-readers.js';
import { completeItems } from './queue-complete.js';
import { failParkedItems } from './queue-parked.js';
import { LIVE_WORKER, NOW, openPlanIn, type PlanContext, RESTART_GRACE_END } from './queue-plan.js';
import type { QueueOptions, SendQueue } from './queue-types.js';

/**
 * The key an erased reader leaves on the suppression list (src/store/hash.ts), computed in SQL from
 * the item's canonical address, so a reader forgotten during the send is skipped like any other.
 */
const HASHED_KEY_SQL = hashedKeySql('i.email');

export type { KeptReadersCheck, OpenedPlan, PlanItem, PlanProposal, QueueWorker, StoredPlan } from './queue-plan.js';
export { recordReplayed } from './queue-replay.js';
export type { ClaimedItem, ItemOutcome, QueueOptions, QueueProgress, SendQueue } from './queue-types.js';

/**
 * The work queue of cooperating `send` workers in PostgreSQL. Every method is one round trip
 * (data-modifying CTEs keep each step a single atomic statement), except writing a plan, which is
 * one transaction. Times are milliseconds since the epoch from the database's clock, or from
 * `clock` when a test gives one, so hosts with skewed clocks agree on when a lease runs out.
 */
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
  const context: PlanContext = { issueId, channel, worker, leaseMs, breakLock: options.breakLock, now, iso, query };
  const currentPlan = () => {
    if (!planId) throw new Error('openPlan first');
    return planId;
  };

  return {
    async openPlan(fingerprint, propose, keyCheck = '', kept, parts) {
      const client = await pool.connect();
      try {
        await query('BEGIN', [], client);
        try {
          const opened = await openPlanIn(context, client, fingerprint, propose, keyCheck, kept, parts);
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

    complete: (outcomes) => completeItems(context, currentPlan(), outcomes),

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

    failParked: (outcomes) => failParkedItems(context, currentPlan(), outcomes),

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
           -- A worker woken after a send started again wrote a new plan: the run is that plan's now.
           AND EXISTS (SELECT 1 FROM send_plans p WHERE p.issue_id = $1 AND p.channel = $2 AND p.plan_id = $5)
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
