import { RolecastError } from './errors.js';
import { displayPath } from './load/_display.js';
import type { LockRow } from './send/lock.js';

/** The holder a lock file names, as the errors about the lock show it. */
export function lockHolder(holder: LockRow | undefined): string {
  return holder
    ? `pid ${holder.pid} on ${holder.host}, started ${holder.started_at}`
    : 'its lock file does not say who';
}

/**
 * A lock whose holder is gone but which could not be taken over (`why`). `taker`: what holds the
 * lock ("a build"); `unwritten`: what the refusal left undone ("nothing was written").
 */
export function goneHolderError(
  file: string,
  cwd: string,
  holder: LockRow,
  why: string,
  words: { taker: string; unwritten: string },
): RolecastError {
  const shown = displayPath(file, cwd);
  return new RolecastError(
    'E_LOCKED',
    `${words.taker} that is gone (${lockHolder(holder)}) left ${shown}, which could not be taken over: ${why}`,
    { hint: `${words.unwritten}; delete ${shown} and run the command again` },
  );
}
