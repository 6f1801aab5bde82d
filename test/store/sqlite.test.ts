import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isSuppressed, openStateDb } from '../../src/send/store.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { describeStoreContract, reader } from './_contract.js';

describeStoreContract('SQLite (the state file)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-store-'));
  const db = openStateDb(join(dir, 'state.db'));
  return {
    store: sqliteSubscriberStore(db),
    isSuppressed: async (email) => isSuppressed(db, email),
    async close() {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite driver under a lock held by another process', () => {
  it('waits for the lock instead of failing, without blocking the event loop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rolecast-store-'));
    const file = join(dir, 'state.db');
    const db = openStateDb(file);
    // As `serve` does: the connection itself never waits, the driver does.
    db.pragma('busy_timeout = 0');
    const other = new Database(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const store = sqliteSubscriberStore(db, { writeWaitMs: 20_000 });
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      const insert = store.insert(reader('waits@example.com'));
      let settled = false;
      void insert.finally(() => {
        settled = true;
      });
      // The event loop keeps turning while the write waits.
      for (let i = 0; i < 400 && ticks < 5; i++) await new Promise((r) => setTimeout(r, 5));
      expect(ticks).toBeGreaterThanOrEqual(5);
      expect(settled).toBe(false);
      other.exec('COMMIT');
      await insert;
      clearInterval(ticker);
      expect(await store.get('waits@example.com')).toBeDefined();
      // With no time to wait, the same lock is an error.
      other.exec('BEGIN IMMEDIATE');
      await expect(sqliteSubscriberStore(db, { writeWaitMs: 0 }).insert(reader('fails@example.com'))).rejects.toThrow(
        /locked|busy/i,
      );
      other.exec('ROLLBACK');
    } finally {
      other.close();
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
