import { migrate, openPostgres, type Pool } from '../../db/postgres.js';
import { migrateState } from '../../state/postgres/index.js';
import { WORKER_MIGRATIONS } from '../../state/postgres/queue-schema.js';
import type { Channel } from '../ledger.js';

/** One worker of a plan, as `status` shows it. */
export interface WorkerStatus {
  host: string;
  pid: number;
  startedAt: string;
  lastHeartbeat: string;
  /** live: heartbeat within its lease; stopped: exited cleanly; gone: silent (its leases run out). */
  state: 'live' | 'stopped' | 'gone';
  sent: number;
  /** Unfinished items it holds, and when the latest of those leases runs out. */
  leases: number;
  leaseExpiresAt: string | null;
}

export interface PlanStatus {
  channel: Channel;
  createdAt: string;
  createdBy: string;
  items: number;
  done: number;
  open: number;
  /** Open items under a lease that has not run out. */
  leased: number;
  workers: WorkerStatus[];
}

/** What `rolecast status` adds for a send kept in PostgreSQL: each plan's progress, workers and leases. */
export async function readWorkerPlans(url: string, issueId: string): Promise<PlanStatus[]> {
  const pool = await openPostgres(url, { max: 1, applicationName: 'rolecast status' });
  try {
    await migrateState(pool);
    await migrate(pool, 'workers', WORKER_MIGRATIONS);
    return await readPlans(pool, issueId);
  } finally {
    await pool.end();
  }
}

async function readPlans(pool: Pool, issueId: string): Promise<PlanStatus[]> {
  const plans = await pool.query<{
    channel: Channel;
    plan_id: string;
    created_at: string;
    created_by: string;
    items: number;
    done: number;
    leased: number;
    now: number;
  }>(
    `WITH t AS (SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint AS ms)
     SELECT p.channel, p.plan_id, p.created_at, p.created_by,
       count(i.seq)::int AS items, (count(i.seq) FILTER (WHERE i.done))::int AS done,
       (count(i.seq) FILTER (WHERE NOT i.done AND i.lease_expires_at > (SELECT ms FROM t)))::int AS leased,
       (SELECT ms FROM t) AS now
     FROM send_plans p LEFT JOIN send_items i ON i.issue_id = p.issue_id AND i.channel = p.channel AND i.plan_id = p.plan_id
     WHERE p.issue_id = $1 GROUP BY p.channel, p.plan_id, p.created_at, p.created_by ORDER BY p.channel DESC`,
    [issueId],
  );
  const result: PlanStatus[] = [];
  for (const plan of plans.rows) {
    const workers = await pool.query<{
      host: string;
      pid: number;
      started_at: number;
      heartbeat_at: number;
      lease_ms: number;
      stopped_at: number | null;
      sent: number;
      leases: number;
      expires: number | null;
    }>(
      `SELECT w.host, w.pid, w.started_at, w.heartbeat_at, w.lease_ms, w.stopped_at, w.sent,
         (SELECT count(*)::int FROM send_items i WHERE i.lease_owner = w.worker_id AND NOT i.done) AS leases,
         (SELECT max(lease_expires_at) FROM send_items i WHERE i.lease_owner = w.worker_id AND NOT i.done) AS expires
       FROM send_workers w WHERE w.plan_id = $1 ORDER BY w.started_at`,
      [plan.plan_id],
    );
    const now = Number(plan.now);
    result.push({
      channel: plan.channel,
      createdAt: plan.created_at,
      createdBy: plan.created_by,
      items: plan.items,
      done: plan.done,
      open: plan.items - plan.done,
      leased: plan.leased,
      workers: workers.rows.map((w) => ({
        host: w.host,
        pid: w.pid,
        startedAt: new Date(Number(w.started_at)).toISOString(),
        lastHeartbeat: new Date(Number(w.heartbeat_at)).toISOString(),
        state:
          w.stopped_at !== null ? 'stopped' : Number(w.heartbeat_at) + w.lease_ms > now ? 'live' : ('gone' as const),
        sent: w.sent,
        leases: w.leases,
        leaseExpiresAt: w.expires === null ? null : new Date(Number(w.expires)).toISOString(),
      })),
    });
  }
  return result;
}

/** Lines for people: the plan's progress, then one line per worker. Pure, so tests see what the CLI prints. */
export function formatPlanStatus(issueId: string, plan: PlanStatus): string[] {
  const lines = [
    `${issueId} workers via ${plan.channel}: ${plan.done} of ${plan.items} done, ${plan.open} open (${plan.leased} under a lease) — plan written at ${plan.createdAt} by ${plan.createdBy}`,
  ];
  for (const w of plan.workers) {
    const leases = w.leases > 0 ? `, holds ${w.leases} item(s) until ${w.leaseExpiresAt}` : '';
    lines.push(
      `  ${w.state.padEnd(7)} pid ${w.pid} on ${w.host}: ${w.sent} sent, last heartbeat ${w.lastHeartbeat}${leases}`,
    );
  }
  return lines;
}
