import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { RolecastError } from '../errors.js';
import type { StateDb } from './store.js';

export interface SendLock {
  release(): void;
}

interface LockRow {
  pid: number;
  host: string;
  token: string;
  started_at: string;
}

/**
 * Takes the send lock for an issue: a row holding our pid. A row left by a process that no longer
 * exists (killed with SIGKILL, machine rebooted) is stale and taken over; a live holder on this
 * host stops us with E_LOCKED. Holders on another host cannot be checked, so they count as live.
 */
export function acquireSendLock(db: StateDb, issueId: string, now: () => Date = () => new Date()): SendLock {
  const token = randomUUID();
  const host = hostname();
  const take = db.transaction(() => {
    const existing = db.prepare('SELECT pid, host, token, started_at FROM locks WHERE issue_id = ?').get(issueId) as
      | LockRow
      | undefined;
    if (existing && isHeld(existing, host)) return existing;
    db.prepare(
      `INSERT INTO locks (issue_id, pid, host, token, started_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (issue_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, token = excluded.token,
         started_at = excluded.started_at`,
    ).run(issueId, process.pid, host, token, now().toISOString());
    return undefined;
  });
  // IMMEDIATE: two processes racing for the lock serialise on the write lock, not after reading.
  const holder = take.immediate();
  if (holder) {
    throw new RolecastError('E_LOCKED', `another send of ${issueId} is running (pid ${holder.pid} on ${holder.host})`, {
      hint: `wait for it to finish; it started at ${holder.started_at}. If that process is gone, run the command again`,
    });
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      db.prepare('DELETE FROM locks WHERE issue_id = ? AND token = ?').run(issueId, token);
    },
  };
}

function isHeld(row: LockRow, host: string): boolean {
  if (row.host !== host) return true;
  return isAlive(row.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
