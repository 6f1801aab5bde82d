import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { openStateDb } from '../../src/send/store.js';

/**
 * A state file cut to 0 bytes while its write-ahead log beside it still holds the commits (a copy of
 * the state folder onto a full disk, where the note beside it was lost too). SQLite deletes such a
 * log when it opens an empty file, and the state would read as new: every reader never mailed and
 * nobody suppressed. It is refused as damaged, read or write, and the log is kept.
 */

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function refusal(open: () => unknown): RolecastError {
  try {
    open();
  } catch (error) {
    if (error instanceof RolecastError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('a state file emptied with its write-ahead log left beside it', () => {
  it('is refused, read or write, and the log is not deleted', () => {
    dir = mkdtempSync(join(tmpdir(), 'rolecast-emptied-log-'));
    const state = join(dir, 'state.db');
    const db = openStateDb(state);
    db.prepare(
      "INSERT INTO suppressions (email, reason, source, created_at) VALUES ('ann@example.test', 'unsubscribe', 'one-click', '2026-12-01T08:00:00.000Z')",
    ).run();
    // The log as it stood while the file was open, before a close put its pages into the file.
    const heldLog = join(dir, 'held-wal');
    copyFileSync(`${state}-wal`, heldLog);
    db.close();
    truncateSync(state, 0);
    copyFileSync(heldLog, `${state}-wal`);
    rmSync(`${state}.generation`, { force: true });
    const size = statSync(`${state}-wal`).size;
    expect(size).toBeGreaterThan(0);

    for (const readonly of [false, true]) {
      const error = refusal(() => openStateDb(state, { readonly }));
      expect(error.code).toBe('E_STATE_DAMAGED');
      expect(error.message).toMatch(/is empty \(0 bytes\), but its write-ahead log \S+state\.db-wal holds/);
    }
    expect(existsSync(`${state}-wal`) && statSync(`${state}-wal`).size).toBe(size);
  });

  it('an empty file with no log, or an empty log, is still a new state', () => {
    dir = mkdtempSync(join(tmpdir(), 'rolecast-emptied-log-'));
    const state = join(dir, 'state.db');
    writeFileSync(state, '');
    writeFileSync(`${state}-wal`, '');
    const db = openStateDb(state);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'deliveries'").pluck().get()).toBe('deliveries');
    db.close();
  });
});
