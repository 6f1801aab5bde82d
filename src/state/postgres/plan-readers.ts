import { canonicalAddress } from '../../address.js';
import type { Pool, PoolClient } from '../../db/postgres.js';
import type { Subscriber } from '../../model/subscriber.js';
import { hashedKeySql } from '../postgres-schema.js';
import { LIVE_WORKER, NOW } from './queue-plan.js';

/**
 * The readers a plan was made from, kept with it when they came from the subscriber store. Signups
 * and preference changes during a send would give a worker started later another list, hence
 * another plan, and it would be refused; it takes these instead and joins. Only a list read from
 * the store alone is kept (a worker given a file plans from its file). Written with a plan that
 * has items, dropped once the plan has no open item or no live worker, and an erased reader's
 * row goes with the erasure (a trigger, so `forget` on any host removes it): a worker that joins
 * after it agrees with the plan by its kept check instead of its fingerprint (see queue-plan.ts).
 */

/** Rows per INSERT when a plan keeps its readers, and per page when a worker reads them. */
const ROWS_PER_INSERT = 5000;

export interface PlanKey {
  issueId: string;
  channel: string;
  planId: string;
}

/**
 * In the plan's transaction: replaces what an earlier plan of the issue and channel kept, and what
 * any plan no worker is live on still keeps (a send interrupted and never resumed). A reader
 * erased since the list was read is left out.
 */
export async function writePlanReaders(
  client: PoolClient,
  key: PlanKey,
  readers: readonly Subscriber[] | undefined,
): Promise<void> {
  await client.query(
    `DELETE FROM send_plan_readers r WHERE (r.issue_id = $1 AND r.channel = $2)
       OR NOT EXISTS (SELECT 1 FROM send_workers w WHERE w.issue_id = r.issue_id AND w.channel = r.channel
                        AND w.plan_id = r.plan_id AND ${LIVE_WORKER(NOW(3))})`,
    [key.issueId, key.channel, null],
  );
  if (!readers) return;
  for (let from = 0; from < readers.length; from += ROWS_PER_INSERT) {
    const chunk = readers.slice(from, from + ROWS_PER_INSERT);
    await client.query(
      `INSERT INTO send_plan_readers (issue_id, channel, plan_id, seq, email, reader)
       SELECT $1, $2, $3, u.seq, u.email, u.reader FROM unnest($4::int[], $5::text[], $6::text[]) AS u(seq, email, reader)
       WHERE NOT EXISTS (SELECT 1 FROM suppressions s WHERE s.email = ${hashedKeySql('u.email')} AND s.reason = 'erased')`,
      [
        key.issueId,
        key.channel,
        key.planId,
        chunk.map((_, i) => from + i),
        chunk.map((reader) => canonicalAddress(reader.email)),
        chunk.map((reader) => JSON.stringify(reader)),
      ],
    );
  }
}

/**
 * The readers of the plan workers are sending now (items open, a worker live on it), in the order
 * they were planned, with that plan's id; undefined when no such plan kept its readers. A plan every
 * worker left is not joined this way: a worker started later plans from the store as it is then.
 */
export async function readPlanReaders(
  pool: Pool,
  issueId: string,
  channel: string,
): Promise<{ planId: string; readers: Subscriber[] } | undefined> {
  const live = await pool.query<{ plan_id: string }>(
    `SELECT p.plan_id FROM send_plans p
     WHERE p.issue_id = $1 AND p.channel = $2
       AND EXISTS (SELECT 1 FROM send_items i WHERE i.issue_id = p.issue_id AND i.channel = p.channel
                     AND i.plan_id = p.plan_id AND NOT i.done)
       AND EXISTS (SELECT 1 FROM send_workers w WHERE w.issue_id = p.issue_id AND w.channel = p.channel
                     AND w.plan_id = p.plan_id AND ${LIVE_WORKER(NOW(3))})`,
    [issueId, channel, null],
  );
  const planId = live.rows[0]?.plan_id;
  if (planId === undefined) return undefined;
  // A page at a time: a million kept readers never sit in memory as rows and readers at once.
  const readers: Subscriber[] = [];
  for (let after = -1; ; ) {
    const { rows } = await pool.query<{ seq: number; reader: string }>(
      `SELECT seq, reader FROM send_plan_readers
       WHERE issue_id = $1 AND channel = $2 AND plan_id = $3 AND seq > $4 ORDER BY seq LIMIT ${ROWS_PER_INSERT}`,
      [issueId, channel, planId, after],
    );
    for (const row of rows) readers.push(planReader(row.reader, row.seq));
    if (rows.length < ROWS_PER_INSERT) break;
    after = rows.at(-1)!.seq;
  }
  return readers.length > 0 ? { planId, readers } : undefined;
}

function planReader(text: string, index: number): Subscriber {
  const reader = JSON.parse(text) as Partial<Subscriber> | null;
  // Written by a worker from a checked list: anything else is a damaged table, never a reader to mail.
  if (typeof reader?.email !== 'string' || !Array.isArray(reader.roles))
    throw new Error(`send_plan_readers row ${index} is not a reader: the table is damaged`);
  return reader as Subscriber;
}

/** In the run's closing transaction: a plan with no open item needs its readers no more. */
export async function dropFinishedPlanReaders(client: PoolClient, key: PlanKey): Promise<void> {
  await client.query(
    `DELETE FROM send_plan_readers r WHERE r.issue_id = $1 AND r.channel = $2 AND r.plan_id = $3
       AND NOT EXISTS (SELECT 1 FROM send_items i WHERE i.issue_id = $1 AND i.channel = $2 AND i.plan_id = $3 AND NOT i.done)`,
    [key.issueId, key.channel, key.planId],
  );
}
