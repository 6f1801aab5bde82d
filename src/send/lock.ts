import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { RolecastError } from '../errors.js';
import type { StateDb } from './store.js';

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
}

export interface SendLock {
  /** The holder whose lock `breakLock` took over, for the person running the command. */
  readonly tookOverFrom: LockHolder | undefined;
  /** A holder on this host that is gone without releasing the lock: killed, or its machine went down. */
  readonly leftBy: LockHolder | undefined;
  release(): void;
}

export interface LockOptions {
  now?: () => Date;
  /** Take the lock whoever holds it: for a holder on another host, whose process cannot be checked. */
  breakLock?: boolean;
}

export interface LockRow {
  pid: number;
  host: string;
  token: string;
  started_at: string;
  proc_start: string | null;
}

/**
 * Tokens of the locks this process holds right now. A row with our own pid but a token not in here
 * was left by an earlier process that had the same pid — the usual case in a container restarted
 * after SIGKILL, where every run is pid 1 on the same host name.
 */
const heldHere = new Set<string>();

/** The lock row this process writes when it takes the lock. */
export function newLockRow(now: () => Date): LockRow {
  return {
    pid: process.pid,
    host: hostname(),
    token: randomUUID(),
    started_at: now().toISOString(),
    proc_start: processStartId(process.pid) ?? null,
  };
}

/**
 * Whether `existing` (the row read inside the writer's transaction) lets us take the lock: a row
 * left by a process that no longer exists is stale and taken over; a live holder on this host
 * refuses us; a holder on another host cannot be checked and counts as live unless `breakLock`.
 */
export function lockDecision(
  existing: LockRow | undefined,
  breakLock: boolean | undefined,
): { refusedBy?: LockRow; tookOver?: LockRow; stale?: LockRow } {
  if (!existing) return {};
  const state = holderState(existing, hostname());
  // A holder on this host whose pid and start time match is the send itself, still running:
  // taking its lock would have two processes send one issue (each reader twice).
  if (state === 'ours' || state === 'running' || (state !== 'stale' && !breakLock)) return { refusedBy: existing };
  return state === 'stale' ? { stale: existing } : { tookOver: existing };
}

/**
 * Said when a send takes over the lock of one that is gone without a word: a message that send had
 * handed to the server and not recorded yet may go out again (see "Delivery is at least once").
 */
export function leftLockNote(issueId: string, holder: LockHolder): string {
  return `notice: the send of ${issueId} started at ${holder.startedAt} (pid ${holder.pid} on ${holder.host}) stopped without finishing (killed, or its machine went down): a message it had handed to the server and not recorded yet, at most one a connection, may be sent again now, with the same Message-ID`;
}

/** Remembers a token this process holds (see `heldHere`); forget it again on release. */
export function noteHeld(token: string, held: boolean): void {
  if (held) heldHere.add(token);
  else heldHere.delete(token);
}

export function holderOf(row: LockRow | undefined): LockHolder | undefined {
  return row && { pid: row.pid, host: row.host, startedAt: row.started_at };
}

/**
 * Takes the send lock for an issue: a row naming our pid, host and process start time. A row left by
 * a process that no longer exists (killed with SIGKILL, machine rebooted, pid reused by another
 * process) is stale and taken over; a live holder on this host stops us with E_LOCKED. Holders on
 * another host cannot be checked, so they count as live unless `breakLock`.
 */
export function acquireSendLock(db: StateDb, issueId: string, options: LockOptions = {}): SendLock {
  const now = options.now ?? (() => new Date());
  const row = newLockRow(now);
  const take = db.transaction((): { refusedBy?: LockRow; tookOver?: LockRow; stale?: LockRow } => {
    const existing = db
      .prepare('SELECT pid, host, token, started_at, proc_start FROM locks WHERE issue_id = ?')
      .get(issueId) as LockRow | undefined;
    const decision = lockDecision(existing, options.breakLock);
    if (decision.refusedBy) return decision;
    db.prepare(
      `INSERT INTO locks (issue_id, pid, host, token, started_at, proc_start) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (issue_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, token = excluded.token,
         started_at = excluded.started_at, proc_start = excluded.proc_start`,
    ).run(issueId, row.pid, row.host, row.token, row.started_at, row.proc_start);
    return decision;
  });
  // IMMEDIATE: two processes racing for the lock serialise on the write lock, not after reading.
  const result = take.immediate();
  if (result.refusedBy) throw lockedError(issueId, result.refusedBy, 'sqlite');
  noteHeld(row.token, true);
  let released = false;
  return {
    tookOverFrom: holderOf(result.tookOver),
    leftBy: holderOf(result.stale),
    release() {
      if (released) return;
      released = true;
      noteHeld(row.token, false);
      db.prepare('DELETE FROM locks WHERE issue_id = ? AND token = ?').run(issueId, row.token);
    },
  };
}

/**
 * E_LOCKED. On a SQLite state file one process sends an issue at a time; the hint names
 * PostgreSQL, where the state can be shared by sends on several hosts.
 */
export function lockedError(issueId: string, holder: LockRow, backend: 'sqlite' | 'postgres'): RolecastError {
  const host = hostname();
  const where = `pid ${holder.pid} on ${holder.host}`;
  const wait =
    holder.host === host
      ? holderState(holder, host) === 'running'
        ? `wait for it to finish (it started at ${holder.started_at}), or stop it (kill ${holder.pid}) and run the command again: it resumes where that one stopped`
        : `wait for it to finish (it started at ${holder.started_at}); if pid ${holder.pid} is not a rolecast send, run the command again with --break-lock`
      : `wait for it to finish (it started at ${holder.started_at}); a process on another host cannot be checked from here, so if that send is no longer running, run the command again with --break-lock`;
  const several =
    backend === 'sqlite'
      ? '. A SQLite state file serves one sender at a time: to send from several workers, keep the state in PostgreSQL (DATABASE_URL=postgres://…, see "Running on more than one machine" in the README)'
      : '';
  return new RolecastError('E_LOCKED', `another send of ${issueId} is running (${where})`, {
    hint: `${wait}${several}`,
  });
}

/**
 * ours: held by this very process; running: the process that took it, by pid and start time;
 * live: a process with its pid exists (its start time unknown); stale: gone; remote: cannot tell.
 */
function holderState(row: LockRow, host: string): 'ours' | 'running' | 'live' | 'stale' | 'remote' {
  if (row.host !== host) return 'remote';
  if (row.pid === process.pid) return heldHere.has(row.token) ? 'ours' : 'stale';
  if (!isAlive(row.pid)) return 'stale';
  // The pid exists, but a different start time means it now belongs to another process.
  const current = row.proc_start === null ? undefined : processStartId(row.pid);
  if (current !== undefined && current !== row.proc_start) return 'stale';
  // Same pid, same start time: the very process that took the lock.
  return current !== undefined ? 'running' : 'live';
}

/**
 * Whether a process on this host holds the lock (or may: a live pid without a start time). A
 * holder on another host cannot be checked from here, and a copy moved off an old host keeps its
 * lock rows: those do not count.
 */
export function heldOnThisHost(row: LockRow): boolean {
  const state = holderState(row, hostname());
  return state === 'ours' || state === 'running' || state === 'live';
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

/**
 * One process life on Linux: the boot id and the start time in clock ticks since boot (field 22 of
 * /proc/<pid>/stat). Undefined where /proc is not available; the pid check alone applies there.
 */
export function processStartId(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2, the command name, is in parentheses and may hold spaces: count from the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = fields[22 - 3];
  if (!startTicks || !/^\d+$/.test(startTicks)) return undefined;
  let boot = '';
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // Without a boot id the start time alone still tells two lives of a pid apart.
  }
  return boot ? `${boot}:${startTicks}` : startTicks;
}
