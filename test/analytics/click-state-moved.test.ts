import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

/**
 * A click recorded by `serve` after the state file's log or its index was deleted under it: never
 * written into a log no other command reads (or over a log the next send indexes afresh); the click
 * route keeps it in memory instead.
 */

let dir: string;
let file: string;
let db: StateDb;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-click-moved-'));
  file = join(dir, 'state.db');
  db = openStateDb(file);
});

afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const click = {
  issueId: '2026-W48',
  summaryId: 'latency-budgets',
  role: 'CTO',
  kind: 'article' as const,
  target: 'https://example.com/latency',
  variantId: 'cto',
  at: new Date('2026-12-01T10:00:00Z'),
  first: true,
};

describe('a click while the state file is no longer as opened', () => {
  it.each(['-wal', '-shm', ''])('with %s deleted, the click is refused, not written', (suffix) => {
    const store = sqliteAnalyticsStore(db);
    store.recordClick(click);
    rmSync(`${file}${suffix}`);
    expect(() => store.recordClick(click)).toThrow(/was deleted after it was opened: clicks wait in memory/);
    expect(db.prepare('SELECT COUNT(*) FROM clicks').pluck().get()).toBe(1);
  });
});
