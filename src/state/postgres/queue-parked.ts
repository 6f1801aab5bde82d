import type { PlanContext } from './queue-plan.js';
import type { ItemOutcome } from './queue-types.js';

/**
 * Turns the deferred rows of refusals a worker parked (see src/send/workers/parked-refusals.ts)
 * into failed ones, once an acceptance showed them about their readers. Only a row still deferred:
 * a reader another run sent since stays sent. Their tries were counted when they were parked.
 */
export async function failParkedItems(ctx: PlanContext, outcomes: readonly ItemOutcome[]): Promise<void> {
  const failed = outcomes.filter(
    (o): o is Extract<ItemOutcome, { status: 'sent' | 'failed' | 'deferred' }> => o.status === 'failed',
  );
  if (failed.length === 0) return;
  await ctx.query(
    `UPDATE deliveries d SET status = 'failed', response_code = o.code, response = o.response, updated_at = o.at
     FROM unnest($3::text[], $4::int[], $5::text[], $6::text[]) AS o(email, code, response, at)
     WHERE d.issue_id = $1 AND d.channel = $2 AND d.email = o.email AND d.status = 'deferred'`,
    [
      ctx.issueId,
      ctx.channel,
      failed.map((o) => o.email),
      failed.map((o) => o.responseCode),
      failed.map((o) => o.response),
      failed.map((o) => o.updatedAt),
    ],
  );
}
