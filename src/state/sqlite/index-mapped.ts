import { accessSync, constants, statSync } from 'node:fs';
import { EXIT, RolecastError } from '../../errors.js';
import { sqlitePath } from '../../send/state-file.js';

/**
 * A check, before each use of a connection held open for days (`serve`), that the log's index
 * (`state.db-shm`) can still be written where SQLite maps it. SQLite reads and writes the index
 * through memory: made immutable (`chattr +i`), read-only, or cut short after it was mapped, the
 * next read or write of the file kills the process with SIGBUS, which no handler can catch, and the
 * request under way gets no answer. Whether it may be written, and a size shorter than last seen,
 * tell. Returns the error to throw, undefined while the index can be used.
 */
export function indexMappedWatch(file: string): () => RolecastError | undefined {
  const index = `${sqlitePath(file)}-shm`;
  let size = 0;
  return () => {
    // Asked of the path, never through a descriptor: closing any descriptor of the index drops every
    // POSIX lock this process holds on it, SQLite's own included (see send/held-here.ts), and another
    // command would then take itself for the file's last user and delete the log serve writes to.
    let now: number;
    try {
      accessSync(index, constants.W_OK);
      now = statSync(index).size;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      // Deleted: the mapping lives on with the file it maps (file-in-place.ts tells of the deletion).
      if (code === 'ENOENT') return undefined;
      return indexError(file, index, `cannot be written (${code})`);
    }
    if (now < size) return indexError(file, index, `was cut from ${size} to ${now} bytes`);
    size = now;
    return undefined;
  };
}

function indexError(file: string, index: string, why: string): RolecastError {
  return new RolecastError('E_STATE_WRITE', `the state file ${file} cannot be used: its index ${index} ${why}`, {
    exitCode: EXIT.sendFailed,
    hint: `SQLite writes ${index} through memory, and using it now would kill the process: make it writable again (chattr -i, chmod or chown it, remount the disk read-write) and restart serve; do not delete it while a command runs`,
  });
}
