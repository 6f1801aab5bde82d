import { closeSync, openSync } from 'node:fs';
import { RolecastError } from '../../errors.js';
import { sqlitePath } from '../../send/state-file.js';

/**
 * Refuses a state file whose write-ahead log or its index this user may not write (a file left by
 * another user or by root, a read-only mount, an immutable file). SQLite then opens the whole file
 * read-only without a word, and the first record of a send failed with "attempt to write a readonly
 * database", read as a full disk and naming neither file. Checked before anything is sent.
 */
export function assertSideFilesWritable(file: string): void {
  const opened = sqlitePath(file);
  for (const side of [`${opened}-wal`, `${opened}-shm`]) {
    let handle: number;
    try {
      handle = openSync(side, 'r+');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'ENOENT') continue;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw notWritable(file, side, code);
      continue;
    }
    closeSync(handle);
  }
}

function notWritable(file: string, side: string, code: string): RolecastError {
  const why = code === 'EROFS' ? 'it is on a read-only file system' : `this user may not write it (${code})`;
  return new RolecastError('E_INVALID', `the state file ${file} cannot be written: ${side} ${why}`, {
    hint: `give the user running rolecast write access to ${side} (chown or chmod it, remount the disk read-write, or chattr -i it), then run the same command again; do not delete it or move the state aside, or readers already sent are mailed again; nothing was sent`,
  });
}
