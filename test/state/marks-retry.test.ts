import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { markEveryWrite, marksPending, retryMarks } from '../../src/state/sqlite/generation.js';

/**
 * A connection that found the state file locked as it went to add the marks (see generation.ts)
 * looks for them again before each of its writes until they are in. When another command added them
 * meanwhile, that look found nothing to add and still left the connection waiting for them: serve
 * then read the file's schema before every reader's change and every click for the rest of its life.
 * Counted here as the schema reads the connection makes, on a real file with a real lock.
 */

let dir: string;
let file: string;
const open: Database.Database[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-marks-retry-'));
  file = join(dir, 'state.db');
  openStateDb(file).close();
  const db = connect();
  for (const name of db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'state_mark_%'")
    .pluck()
    .all() as string[])
    db.exec(`DROP TRIGGER "${name}"`);
  db.exec('ALTER TABLE state_generation DROP COLUMN log_mark');
  db.exec('ALTER TABLE state_generation DROP COLUMN log_base');
});

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect(): Database.Database {
  const db = new Database(file);
  db.pragma('busy_timeout = 0');
  open.push(db);
  return db;
}

/** A connection like serve's that could not add the marks, the file locked; its schema reads counted. */
function leftWithoutMarks(): { db: Database.Database; scans: () => number } {
  const db = connect();
  let scans = 0;
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    if (sql.includes('sqlite_master')) scans++;
    return prepare(sql);
  }) as typeof db.prepare;
  const holder = connect();
  holder.exec('BEGIN IMMEDIATE');
  markEveryWrite(db);
  holder.exec('COMMIT');
  expect(marksPending(db)).toBe(true);
  return { db, scans: () => scans };
}

describe('marks a locked file kept out, looked for again before each write', () => {
  it('stops looking once another command has added them', () => {
    const { db, scans } = leftWithoutMarks();
    markEveryWrite(connect());
    const before = scans();
    for (let write = 0; write < 20; write++) retryMarks(db);
    expect(marksPending(db)).toBe(false);
    expect(scans() - before).toBe(1);
  });

  it('adds them itself at the next write once the lock is gone, then stops looking', () => {
    const { db, scans } = leftWithoutMarks();
    const before = scans();
    for (let write = 0; write < 20; write++) retryMarks(db);
    expect(marksPending(db)).toBe(false);
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('state_generation')).toEqual(
      expect.arrayContaining(['log_mark', 'log_base']),
    );
    // The look that found them missing and the one inside the transaction that adds them.
    expect(scans() - before).toBe(2);
  });
});
