import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect } from 'vitest';
import { ensureBounceSchema } from '../../src/bounces/schema-sqlite.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * Runs `body` (JavaScript with the state file open as `db`) in a process of its own, which then
 * closes the file: its value, as JSON. Closing the file there drops no lock of this process.
 */
export function inOtherProcess(file: string, body: string): unknown {
  const script = `
    const db = new (require(${JSON.stringify(driver)}))(${JSON.stringify(file)}, { fileMustExist: true });
    const result = (() => { ${body} })();
    db.close();
    process.stdout.write(JSON.stringify(result ?? null));
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout);
}

/** A state file in a folder of its own for each test, opened before it and closed and removed after it. */
export function useStateDb(label: string): { readonly db: StateDb } {
  let dir: string | undefined;
  let db: StateDb | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `rolecast-${label}-`));
    db = openStateDb(join(dir, 'state.db'));
  });
  afterEach(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    db = dir = undefined;
  });
  return {
    get db() {
      if (!db) throw new Error('the state file is opened before each test');
      return db;
    },
  };
}

/** The state file as a release before the marks left it, after a serve: the id row and its counter only. */
export function withoutMarks(state: string): void {
  const opened = openStateDb(state);
  ensureBounceSchema(opened);
  opened.close();
  const db = new Database(state);
  try {
    const marks = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'state_mark_%'")
      .pluck()
      .all() as string[];
    expect(marks.length).toBeGreaterThan(0);
    for (const name of marks) db.exec(`DROP TRIGGER "${name}"`);
    db.exec('ALTER TABLE state_generation DROP COLUMN log_mark');
    db.exec('ALTER TABLE state_generation DROP COLUMN log_base');
  } finally {
    db.close();
  }
}
