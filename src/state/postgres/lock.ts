import { type Pool, type PoolClient, transaction } from '../../db/postgres.js';
import { RolecastError } from '../../errors.js';
import {
  holderOf,
  type LockOptions,
  type LockRow,
  lockDecision,
  lockedError,
  newLockRow,
  noteHeld,
} from '../../send/lock.js';
import type { StateLock } from '../contract.js';
import { LIVE_WORKER, NOW } from './queue-plan.js';

/**
 * The send lock in PostgreSQL, with the rules of the SQLite lock (send/lock.ts): one sender per
 * issue; a holder on this host that no longer runs is taken over, one on another host only with
 * `breakLock`. A transaction-scoped advisory lock serialises hosts deciding at the same moment.
 */
export async function postgresLock(pool: Pool, issueId: string, options: LockOptions = {}): Promise<StateLock> {
  const row = newLockRow(options.now ?? (() => new Date()));
  // Noted as ours before the row is committed: another pool of this process may read the row the
  // moment the commit lands, before this call resumes, and must not take it for a dead process's.
  noteHeld(row.token, true);
  const decision = await transaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rolecast:lock:${issueId}`]);
    const existing = await client.query<LockRow>(
      'SELECT pid, host, token, started_at, proc_start FROM locks WHERE issue_id = $1',
      [issueId],
    );
    const decided = lockDecision(existing.rows[0], options.breakLock);
    if (decided.refusedBy) return decided;
    // The one sender must not start beside workers: it would mail the readers they hold, not yet recorded, again.
    const workers = await liveWorkersOf(client, issueId);
    if (workers.length > 0) return { ...decided, workers };
    await client.query(
      `INSERT INTO locks (issue_id, pid, host, token, started_at, proc_start) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (issue_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, token = excluded.token,
         started_at = excluded.started_at, proc_start = excluded.proc_start`,
      [issueId, row.pid, row.host, row.token, row.started_at, row.proc_start],
    );
    return decided;
  }).catch((error: unknown) => {
    noteHeld(row.token, false);
    throw error;
  });
  if (decision.refusedBy) {
    noteHeld(row.token, false);
    throw lockedError(issueId, decision.refusedBy, 'postgres');
  }
  if ('workers' in decision) {
    noteHeld(row.token, false);
    throw new RolecastError(
      'E_LOCKED',
      `${decision.workers.length} send worker(s) of ${issueId} are running (${decision.workers.join(', ')}): a scheduled send beside them would mail the readers they hold a second time`,
      {
        hint: 'wait for them to finish (`rolecast status` lists them), or stop them (Ctrl-C), then run the scheduled send again: readers already sent are not sent again',
      },
    );
  }
  let released = false;
  return {
    tookOverFrom: holderOf(decision.tookOver),
    leftBy: 'stale' in decision ? holderOf(decision.stale) : undefined,
    async release() {
      if (released) return;
      released = true;
      noteHeld(row.token, false);
      await pool.query('DELETE FROM locks WHERE issue_id = $1 AND token = $2', [issueId, row.token]);
    },
  };
}

/**
 * Send workers of the issue whose heartbeat is within their lease, as "pid P on HOST" (none before
 * any worker ran); and those whose lease ran out while the database was down (restarted, failed
 * over) but who still hold readers in the grace the other workers give them (see queue.ts): they
 * may have sent those, unrecorded yet, and may still record them.
 */
async function liveWorkersOf(client: PoolClient, issueId: string): Promise<string[]> {
  const table = await client.query<{ found: string | null }>("SELECT to_regclass('send_workers')::text AS found");
  if (!table.rows[0]?.found) return [];
  const live = await client.query<{ host: string; pid: number }>(
    `SELECT host, pid FROM send_workers w WHERE issue_id = $1 AND (${LIVE_WORKER(NOW(2))}
       OR (w.stopped_at IS NULL AND EXISTS (SELECT 1 FROM send_items i
             WHERE i.issue_id = w.issue_id AND i.channel = w.channel AND i.lease_owner = w.worker_id AND NOT i.done
               AND GREATEST(i.lease_expires_at, (extract(epoch from pg_postmaster_start_time()) * 1000)::bigint + w.lease_ms) > ${NOW(2)})))
     ORDER BY started_at`,
    [issueId, null],
  );
  return live.rows.map((w) => `pid ${w.pid} on ${w.host}`);
}
