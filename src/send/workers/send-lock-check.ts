import type { Pool } from '../../db/postgres.js';
import { type LockRow, lockDecision, lockedError } from '../lock.js';

/** A scheduled send of this issue holds the one-sender lock: workers do not start beside it. */
export async function refuseWhileLocked(pool: Pool, issueId: string, breakLock: boolean | undefined): Promise<void> {
  const { rows } = await pool.query<LockRow>(
    'SELECT pid, host, token, started_at, proc_start FROM locks WHERE issue_id = $1',
    [issueId],
  );
  const decided = lockDecision(rows[0], breakLock);
  if (decided.refusedBy) throw lockedError(issueId, decided.refusedBy, 'postgres');
}
