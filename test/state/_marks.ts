import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { markEveryWrite, marksPending } from '../../src/state/sqlite/generation.js';

/** A new state file for each test, and the connections a test opens on it, closed after it. */
export function useStateFile(): {
  readonly file: string;
  connect(): Database.Database;
  closeAfter(db: Database.Database): void;
} {
  let dir = '';
  const open: Database.Database[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rolecast-marks-'));
  });
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get file() {
      return join(dir, 'state.db');
    },
    connect() {
      const db = new Database(join(dir, 'state.db'));
      db.pragma('busy_timeout = 0');
      open.push(db);
      return db;
    },
    closeAfter(db) {
      open.push(db);
    },
  };
}

/** The state file as a release before the marks (see generation.ts) left it: the id row and its counter only. */
export function stateWithoutMarks(file: string): void {
  openStateDb(file).close();
  const db = new Database(file);
  try {
    for (const name of db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'state_mark_%'")
      .pluck()
      .all() as string[])
      db.exec(`DROP TRIGGER "${name}"`);
    db.exec('ALTER TABLE state_generation DROP COLUMN log_mark');
    db.exec('ALTER TABLE state_generation DROP COLUMN log_base');
  } finally {
    db.close();
  }
}

/** `db` left owing the marks as serve is when another command held the file as it started. */
export function marksKeptOutByLock(db: Database.Database, holder: Database.Database): void {
  holder.exec('BEGIN IMMEDIATE');
  markEveryWrite(db);
  holder.exec('COMMIT');
  expect(marksPending(db)).toBe(true);
}
