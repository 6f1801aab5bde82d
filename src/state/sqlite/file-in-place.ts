import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, RolecastError } from '../../errors.js';
import { sqlitePath } from '../../send/state-file.js';
import type { StateDb } from '../../send/store.js';

/**
 * A check that the state file is still the one that was opened. SQLite goes on writing to a file
 * deleted or replaced under it (its folder removed by a clean-up, another file moved in), and a send
 * would record every message into a file nobody reads again: the next run would mail every reader a
 * second time. Checked before each ledger write (one stat). When the file is gone, the send stops
 * and what the open database holds is written back where it was (or beside the file that took its
 * place), so nothing it recorded is lost.
 */
export function fileInPlace(db: StateDb, file: string): () => void {
  const path = sqlitePath(file);
  const opened = identity(path);
  let rescue: { to?: string; failed?: string } | undefined;
  return () => {
    if (!opened) return;
    const now = identity(path);
    if (now && now.dev === opened.dev && now.ino === opened.ino) return;
    const replaced = now !== undefined;
    rescue ??= writeBack(db, replaced ? `${path}.rescued-${Date.now()}` : path);
    const what = `the state file ${file} was ${replaced ? 'replaced by another file' : 'deleted'} while the send ran`;
    if (rescue.to === undefined)
      throw new RolecastError(
        'E_STATE_WRITE',
        `${what}, and what it recorded could not be written back (${rescue.failed}): the send stopped`,
        {
          exitCode: EXIT.sendFailed,
          hint: 'readers this send reached will be mailed again by the next one: compare with your provider’s delivery logs first; keep the state folder out of clean-ups',
        },
      );
    throw new RolecastError('E_STATE_WRITE', `${what}: the send stopped, and what it recorded is in ${rescue.to}`, {
      exitCode: EXIT.sendFailed,
      hint: replaced
        ? `the file now at ${file} is not the one this send used: put ${rescue.to} in its place (and delete ${file}-wal and ${file}-shm if this send's are still there) before sending again, or the readers it records are mailed again`
        : 'run the same command again: it goes on from there; keep the state folder out of clean-ups',
    });
  };
}

function identity(path: string): { dev: number; ino: number } | undefined {
  try {
    const { dev, ino } = statSync(path);
    return { dev, ino };
  } catch {
    return undefined;
  }
}

/**
 * A copy of the open database at `to` (never over an existing file: VACUUM INTO refuses one). A log
 * and index left where the file was deleted are the deleted file's (this send's, still written
 * through open handles): beside the copy, SQLite would read them as its own and lay the deleted
 * file's pages over it. Everything they hold is in the copy, so they go.
 */
function writeBack(db: StateDb, to: string): { to?: string; failed?: string } {
  try {
    if (existsSync(to)) return { failed: `${to} exists` };
    for (const leftover of [`${to}-wal`, `${to}-shm`]) rmSync(leftover, { force: true });
    mkdirSync(dirname(to), { recursive: true });
    // Written aside and renamed: a process killed half-way leaves no torn file where the state goes.
    const partial = `${to}.writing-${process.pid}`;
    rmSync(partial, { force: true });
    db.prepare('VACUUM INTO ?').run(partial);
    renameSync(partial, to);
    return { to };
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}
