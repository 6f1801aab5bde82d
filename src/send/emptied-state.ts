import { statSync } from 'node:fs';
import { readPair } from '../state/sqlite/outside-note.js';
import { stateDamaged } from './state-file.js';

/**
 * Refuses a state file of 0 bytes whose note beside it (`state.db.generation`, written only after a
 * commit) records changes made to it: the file was cut to nothing (a copy onto a full disk, a
 * repair after a crash, a `>` meant for another file). Opened, it would read as a new file, every
 * reader as never mailed and nobody as suppressed. A file moved aside leaves no file at the path,
 * and a new one made there is used at once, as before.
 */
export function assertNotEmptied(file: string, opened: string): void {
  let size: number;
  try {
    size = statSync(opened).size;
  } catch {
    return;
  }
  if (size > 0) return;
  // Every commit leaves page 1 in the file once the log is in use (WAL mode is set by a write to
  // it), so an empty file beside a log that holds frames was cut: SQLite would delete that log.
  const log = `${opened}-wal`;
  const logSize = sizeOf(log);
  if (logSize > 0)
    throw stateDamaged(
      file,
      `it is empty (0 bytes), but its write-ahead log ${log} holds ${logSize} bytes of changes: it was cut to nothing, and opened so SQLite would delete that log, every reader counting as never mailed and nobody as suppressed`,
    );
  const notePath = `${opened}.generation`;
  const note = readPair(notePath);
  if (!note || note.counter <= 0) return;
  throw stateDamaged(
    file,
    `it is empty (0 bytes), but ${notePath} records ${note.counter} change(s) written to it${note.at ? ` (the last at ${note.at})` : ''}: it was cut to nothing, and read so every reader would count as never mailed and nobody as suppressed`,
  );
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
