import { type Pool, transaction } from '../../db/postgres.js';
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
  let released = false;
  return {
    tookOverFrom: holderOf(decision.tookOver),
    async release() {
      if (released) return;
      released = true;
      noteHeld(row.token, false);
      await pool.query('DELETE FROM locks WHERE issue_id = $1 AND token = $2', [issueId, row.token]);
    },
  };
}
