import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { migrateStateData } from '../../src/state/migrate/index.js';
import { openState } from '../../src/state/open.js';
import { createDatabase, describePostgres } from '../helpers/postgres.js';

/**
 * A state moved to PostgreSQL (`state migrate --to URL`, the file then moved aside) and copied back
 * into a file at its old path (`state migrate --from URL --to .rolecast/state.db`): the copy brings
 * every record, yet it was refused as a new file where one with records had been (E_STATE_MISSING).
 */

const savedCache = process.env.ROLECAST_CACHE_DIR;
let dir = '';
let database: { url: string; drop(): Promise<void> } | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-migrate-back-'));
  process.env.ROLECAST_CACHE_DIR = join(dir, 'cache');
});
afterAll(async () => {
  await database?.drop();
  if (savedCache === undefined) delete process.env.ROLECAST_CACHE_DIR;
  else process.env.ROLECAST_CACHE_DIR = savedCache;
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const name of readdirSync(dir)) if (name !== 'cache') rmSync(join(dir, name), { recursive: true, force: true });
});

async function sentTo(file: string): Promise<void> {
  const store = await openState({ kind: 'sqlite', file });
  try {
    const ledger = store.ledger('2026-W48', 'smtp', () => new Date('2026-11-30T08:00:00.000Z'));
    await ledger.startRun(2, '2026-11-30T07:59:00.000Z');
    await ledger.recordMany(
      ['ada@example.com', 'bob@example.com'].map((email, i) => ({
        email,
        variantId: 'cto',
        status: 'sent' as const,
        messageId: `<${i}@example.com>`,
        responseCode: 250,
        response: '250 ok',
        attempts: 1,
      })),
    );
  } finally {
    await store.close();
  }
}

function moveAside(file: string): void {
  for (const name of readdirSync(dir))
    if (name.startsWith('state.db')) rmSync(join(dir, name), { recursive: true, force: true });
  expect(existsSync(file)).toBe(false);
}

describePostgres('a state copied back from PostgreSQL to its old file path', () => {
  it('is copied, every record with it, and a send reads it', async () => {
    database = await createDatabase('migrate_back');
    const file = join(dir, 'state.db');
    await sentTo(file);
    await migrateStateData({ from: { kind: 'sqlite', file }, to: { kind: 'postgres', url: database.url } });
    moveAside(file);

    const back = await migrateStateData({
      from: { kind: 'postgres', url: database.url },
      to: { kind: 'sqlite', file },
    });
    expect(back.tables.find((t) => t.table === 'deliveries')?.rows).toBe(2);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) FROM deliveries').pluck().get()).toBe(2);
    } finally {
      db.close();
    }
    // The file copied back is the state a send then opens, without a refusal.
    const store = await openState({ kind: 'sqlite', file });
    await store.close();
  });
});
