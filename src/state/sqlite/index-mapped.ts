import { closeSync, fstatSync, openSync } from 'node:fs';
import { EXIT, RolecastError } from '../../errors.js';
import { sqlitePath } from '../../send/state-file.js';

/**
 * A check, before each use of a connection held open for days (`serve`), that the log's index
 * (`state.db-shm`) can still be written where SQLite maps it. SQLite reads and writes the index
 * through memory: made immutable (`chattr +i`), read-only, or cut short after it was mapped, the
 * next read or write of the file kills the process with SIGBUS, which no handler can catch, and the
 * request under way gets no answer. The same open SQLite would need tells: refused, or the file
 * shorter than last seen. Returns the error to throw, undefined while the index can be used.
 */
export function indexMappedWatch(file: string): () => RolecastError | undefined {
  const index = `${sqlitePath(file)}-shm`;
  let size = 0;
  return () => {
    let handle: number;
    try {
      handle = openSync(index, 'r+');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      // Deleted: the mapping lives on with the file it maps (file-in-place.ts tells of the deletion).
      if (code === 'ENOENT') return undefined;
      return indexError(file, index, `cannot be written (${code})`);
    }
    try {
      const now = fstatSync(handle).size;
      if (now < size) return indexError(file, index, `was cut from ${size} to ${now} bytes`);
      size = now;
      return undefined;
    } finally {
      closeSync(handle);
    }
  };
}

function indexError(file: string, index: string, why: string): RolecastError {
  return new RolecastError('E_STATE_WRITE', `the state file ${file} cannot be used: its index ${index} ${why}`, {
    exitCode: EXIT.sendFailed,
    hint: `SQLite writes ${index} through memory, and using it now would kill the process: make it writable again (chattr -i, chmod or chown it, remount the disk read-write) and restart serve; do not delete it while a command runs`,
  });
}
