import { basename } from 'node:path';
import type { Pool } from '../../db/postgres.js';
import { recordReplayed } from '../../state/postgres/queue.js';
import { readUnrecorded, setUnrecordedAside, unrecordedFileOf } from '../state-loss.js';

/**
 * What an earlier run on this host sent but could not record (its side file): recorded as sent and
 * their queue items done, then the file renamed aside, so no worker sends them again.
 */
export async function replaySideFile(
  pool: Pool,
  base: string,
  now: () => Date,
  log: (line: string) => void,
): Promise<void> {
  const file = unrecordedFileOf(base);
  const entries = readUnrecorded(base);
  if (entries.length === 0) return;
  await recordReplayed(pool, entries, basename(file));
  setUnrecordedAside(base, now());
  log(`recorded ${entries.length} message(s) an earlier run sent but could not record, from ${file}`);
}
