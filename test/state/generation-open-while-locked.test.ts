import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { readGeneration } from '../../src/state/sqlite/generation.js';

/**
 * A command opening the state file while another holds its write lock (a long `subscribers
 * import`, `suppress import` or `bounces import` in one transaction): opening takes no write lock
 * once the file has its change count, so it opens at once, as it always did, instead of waiting
 * five seconds and failing with "database is locked".
 */

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-generation-locked-'));
  file = join(dir, 'state.db');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('opening a state file whose write lock another command holds', () => {
  it('opens at once', () => {
    openStateDb(file).close();
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      other
        .prepare('INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, ?, ?, ?)')
        .run('ada@example.com', 'unsubscribe', 'import', '2026-12-05T09:00:00Z');
      const started = Date.now();
      const db = openStateDb(file);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(readGeneration(db)).toBeDefined();
      db.close();
      other.exec('COMMIT');
    } finally {
      other.close();
    }
  });

  it('a file missing a trigger gets it back at the next open', () => {
    openStateDb(file).close();
    const edit = new Database(file);
    edit.exec('DROP TRIGGER state_generation_readers_delete');
    edit.close();
    openStateDb(file).close();
    const check = new Database(file, { readonly: true });
    const found = check
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'state_generation_readers_delete'")
      .get();
    check.close();
    expect(found).toBeDefined();
  });
});
