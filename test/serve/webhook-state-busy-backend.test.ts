import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { isSuppressed, openStateDb } from '../../src/send/store.js';
import { openServeBackend } from '../../src/serve/backend.js';
import { journalPath } from '../../src/serve/index.js';

/**
 * The bounce store `serve` itself opens over a state file another command holds for a moment (a
 * send writing its ledger): a complaint waits for the lock and lands in the file, rather than
 * being answered 503 at once while the send goes on mailing the reader who complained.
 */

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-serve-busy-'));
  file = join(dir, 'state.db');
  openStateDb(file).close();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it("serve's bounce store waits for a lock another command holds, then records the complaint in the file", async () => {
  const backend = await openServeBackend({ kind: 'sqlite', file }, { secret: 'test-signing-secret-0123456789abcdef' });
  const other = new Database(file);
  try {
    other.exec('BEGIN IMMEDIATE');
    const at = new Date().toISOString();
    const recorded = backend.bounces.transaction(() =>
      backend.bounces.suppress('complained@example.test', { reason: 'complaint', source: 'postmark', at }),
    );
    // The store's first try has met the lock by the next turn of the event loop; then it is freed.
    await new Promise((resolve) => setImmediate(resolve));
    other.exec('COMMIT');
    await expect(recorded).resolves.toBe(true);
  } finally {
    other.close();
    await backend.close();
  }
  const db = openStateDb(file);
  try {
    expect(isSuppressed(db, 'complained@example.test')).toBe(true);
  } finally {
    db.close();
  }
  expect(existsSync(journalPath(file))).toBe(false);
});
