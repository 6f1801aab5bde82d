import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { migrateAnalytics } from '../../src/analytics/_migrate.js';
import { openStateDb } from '../../src/send/store.js';

/**
 * Two processes opening a file made before clicks_tagged (`serve` and `send` right after an
 * upgrade) both add the column, or find it added: neither fails to open the file.
 */
it('two openers of an older file both add clicks_tagged without failing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-test-'));
  try {
    const file = join(dir, 'state.db');
    openStateDb(file).close();
    const raw = new Database(file);
    raw.exec('ALTER TABLE issue_variants DROP COLUMN clicks_tagged');
    raw.close();
    const a = new Database(file);
    const b = new Database(file);
    // Interleave: b's whole migration runs just after a has read the columns.
    const prepare = a.prepare.bind(a);
    (a as unknown as { prepare: typeof a.prepare }).prepare = ((sql: string) => {
      const stmt = prepare(sql);
      if (sql.startsWith('PRAGMA table_info(issue_variants)'))
        return {
          all: () => {
            const rows = stmt.all();
            migrateAnalytics(b);
            return rows;
          },
        } as never;
      return stmt;
    }) as typeof a.prepare;
    expect(() => migrateAnalytics(a)).not.toThrow();
    a.close();
    b.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
