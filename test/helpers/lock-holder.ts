import { type ChildProcess, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { processStartId } from '../../src/send/lock.js';

export interface LockHolder {
  child: ChildProcess;
  exited: Promise<unknown>;
  /** The lock file's text naming it, as a run holding a lock writes it. */
  row: string;
  startedAt: string;
}

/** A process that only waits, to stand for a run holding a lock file; the caller kills it. */
export async function lockHolder(): Promise<LockHolder> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await new Promise((resolve) => child.once('spawn', resolve));
  const pid = child.pid!;
  const startedAt = new Date().toISOString();
  const row = { pid, host: hostname(), token: 'held', started_at: startedAt, proc_start: processStartId(pid) ?? null };
  return { child, exited, row: `${JSON.stringify(row)}\n`, startedAt };
}
