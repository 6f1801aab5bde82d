import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { canonicalAddress } from '../address.js';
import { applyUnsubscribeJournal } from '../send/journal.js';
import { sqlitePath } from '../send/state-file.js';
import { replayUnrecorded, unrecordedFileOf } from '../send/state-loss.js';
import type { StateDb } from '../send/store.js';

/**
 * Erasure beyond the tables: the files beside a SQLite state file that name readers in plain. Run
 * right after `subscribers forget` committed, so every address it erased is suppressed by its
 * hashed entry whatever these files say.
 *
 * - The unsubscribe journal is applied, as a send applies it, and so deleted: an erased address in it
 *   is refused by its hashed entry, and its events are kept under that key.
 * - Messages a stopped send listed as unrecorded are recorded, as the next send would (an erased
 *   address is left out), and the lists already recorded (`….replayed-<time>`, kept as a trace) lose
 *   the lines naming an erased address: written once, never appended to, so rewriting them is safe.
 * - Copies of the whole file a send rescued (`….rescued-<time>`) are databases and are not changed:
 *   returned, so the command can say they may still hold the address.
 */
export function eraseFromSideFiles(
  db: StateDb,
  stateFile: string,
  emails: readonly string[],
  now: Date,
): { rescueCopies: string[] } {
  applyUnsubscribeJournal(db);
  replayUnrecorded(db, stateFile, () => now);
  const erased = new Set(emails.map(canonicalAddress));
  const recorded = `${basename(unrecordedFileOf(stateFile))}.replayed-`;
  const rescued = `${basename(sqlitePath(stateFile))}.rescued-`;
  const rescueCopies: string[] = [];
  for (const dir of new Set([dirname(sqlitePath(stateFile)), dirname(stateFile)])) {
    for (const name of namesIn(dir)) {
      if (name.startsWith(recorded)) withoutLinesNaming(join(dir, name), erased);
      else if (name.startsWith(rescued) && !name.endsWith('-wal') && !name.endsWith('-shm'))
        rescueCopies.push(join(dir, name));
    }
  }
  return { rescueCopies };
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Rewrites a JSON-lines file without the lines whose `email` is erased (beside it, synced, then renamed over it). */
function withoutLinesNaming(file: string, erased: ReadonlySet<string>): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  const kept = lines.filter((line) => !erased.has(emailOf(line)));
  if (kept.length === lines.length) return;
  const partial = `${file}.erasing-${process.pid}`;
  const fd = openSync(partial, 'w', 0o600);
  try {
    writeSync(fd, kept.join('\n'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, file);
}

function emailOf(line: string): string {
  try {
    const { email } = JSON.parse(line) as { email?: unknown };
    return typeof email === 'string' ? canonicalAddress(email) : '';
  } catch {
    return '';
  }
}
