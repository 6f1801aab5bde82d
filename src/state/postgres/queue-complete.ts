import { hashedAddress } from '../../store/hash.js';
import { DELIVERY_UPSERT_CONFLICT } from '../delivery-upsert.js';
import { ERASURE_LOCK_SQL } from '../postgres-schema.js';
import { NOW, type PlanContext } from './queue-plan.js';
import type { ItemOutcome } from './queue-types.js';

/**
 * Records a batch's outcomes in the ledger and marks their items done, in one statement; a
 * greylisted reader goes back to the plan unleased. `lost`: items another worker had claimed meanwhile.
 */
export async function completeItems(
  ctx: PlanContext,
  planId: string,
  outcomes: readonly ItemOutcome[],
): Promise<{ lost: number }> {
  const { query, iso, now } = ctx;
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
      ctx.issueId,
      ctx.channel,
      ctx.worker.id,
      cols.seq,
      cols.email,
      cols.variant,
      cols.status,
      cols.messageId,
      cols.code,
      cols.response,
      cols.attempts,
      cols.at,
      planId,
      cols.email.map(hashedAddress),
      cols.retryMs,
      cols.greylists,
      now(),
    ],
  );
  return { lost: result.rows[0]!.lost };
}
