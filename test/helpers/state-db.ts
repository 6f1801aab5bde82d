import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openStateDb, type StateDb } from '../../src/send/store.js';

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
