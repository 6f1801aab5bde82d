import type { PlanContext } from './queue-plan.js';
import type { ItemOutcome } from './queue-types.js';

/**
 * Turns the deferred rows of refusals a worker parked (see `park` in src/send/workers/batch.ts)
 * into failed ones, once an acceptance showed them about their readers. Only a row still as this
 * worker parked it: deferred with the refusal it parked, its item still in this plan and done by this
 * worker. A reader another run sent since stays sent, and one a worker's new plan tried again since
 * (every item was done), or another worker took over while this one was stopped past its lease,
 * keeps that worker's outcome: a deferred one is tried again, never failed by this decision.
 * Their tries were counted when they were parked.
 */
export async function failParkedItems(
  ctx: PlanContext,
  planId: string,
  outcomes: readonly ItemOutcome[],
): Promise<void> {
  const failed = outcomes.filter(
    (o): o is Extract<ItemOutcome, { status: 'sent' | 'failed' | 'deferred' }> => o.status === 'failed',
  );
  if (failed.length === 0) return;
  await ctx.query(
    `UPDATE deliveries d SET status = 'failed', response_code = o.code, response = o.response, updated_at = o.at
     FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::int[]) AS o(email, code, response, at, seq)
     WHERE d.issue_id = $1 AND d.channel = $2 AND d.email = o.email AND d.status = 'deferred'
       AND d.response IS NOT DISTINCT FROM o.response AND d.response_code IS NOT DISTINCT FROM o.code
       AND EXISTS (SELECT 1 FROM send_items i WHERE i.issue_id = $1 AND i.channel = $2 AND i.plan_id = $8
         AND i.seq = o.seq AND i.email = o.email AND i.done AND i.done_by = $9)`,
    [
      ctx.issueId,
      ctx.channel,
      failed.map((o) => o.email),
      failed.map((o) => o.responseCode),
      failed.map((o) => o.response),
      failed.map((o) => o.updatedAt),
      failed.map((o) => o.seq),
      planId,
      ctx.worker.id,
    ],
  );
}
