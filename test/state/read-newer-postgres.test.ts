import { expect, it } from 'vitest';
import { openPostgres, type Pool } from '../../src/db/postgres.js';
import { openState } from '../../src/state/open.js';
import { readStoredReadersAt, readStoredSubscribersAt, readSuppressionCheckerAt } from '../../src/state/read-at.js';
import { migrateSubscriberStorePg, postgresSubscriberStore } from '../../src/store/postgres.js';
import { perTest } from '../helpers/per-test.js';
import { createDatabase, describePostgres } from '../helpers/postgres.js';
import { runMain } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { generateSubscribers, type SendFixture, sendFixture } from '../send/_fixture.js';

/**
 * The commands that only read the audience (`build`, `check`, the preview, a send's audience) read
 * PostgreSQL without migrating it. A database a newer release moved on may keep its readers or its
 * suppressions where this release does not look: read anyway, a suppression list read as empty
 * counts (or test-mails) suppressed readers as reachable. Refused before any row is read, as the
 * state file is.
 */

const at = '2026-11-01T00:00:00.000Z';
const consent = { at, method: 'form', wording: null } as const;

/** What a newer release might have done to the database, each with the component whose version it moved. */
const NEWER: Record<string, { component: 'state' | 'subscribers'; change: string }> = {
  'its suppressions under another name': {
    component: 'state',
    change: 'ALTER TABLE suppressions RENAME TO suppression_list',
  },
  'its readers under another name': { component: 'subscribers', change: 'ALTER TABLE readers RENAME TO reader_list' },
  'a reader status this release does not know': {
    component: 'subscribers',
    change: `ALTER TABLE readers DROP CONSTRAINT readers_status_check;
      UPDATE readers SET status = 'held' WHERE email = 'gone@example.test'`,
  },
};

async function newerDatabase(what: string, fixture: SendFixture): Promise<{ url: string; drop(): Promise<void> }> {
  const database = await createDatabase('read_newer');
  const pool = await openPostgres(database.url, { max: 1 });
  try {
    await migrateSubscriberStorePg(pool);
    const store = postgresSubscriberStore(pool);
    for (const s of fixture.subscribers)
      await store.insert(
        readerRecord(s.email, { roles: s.roles, createdAt: at, confirmedAt: at, updatedAt: at, consent }),
      );
    const state = await openState({ kind: 'postgres', url: database.url });
    await state.suppressions.add('gone@example.test', { reason: 'unsubscribe' });
    await state.close();
    const { component, change } = NEWER[what]!;
    await pool.query(change);
    await pool.query("INSERT INTO rolecast_migrations (component, version, name) VALUES ($1, 99, 'later')", [
      component,
    ]);
  } finally {
    await pool.end();
  }
  return database;
}

async function tableNames(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ t: string }>(
    "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  return rows.map((r) => r.t);
}

describePostgres('a PostgreSQL state a newer release moved on, read without migrating', () => {
  const opened = perTest<{ fixture: SendFixture; database: { close(): Promise<void> } }>(['fixture', 'database']);

  async function setUp(what: string) {
    const subscribers = [
      ...generateSubscribers(3).map((s) => ({ ...s, status: 'active' as const })),
      { email: 'gone@example.test', name: 'Gone', roles: ['CTO'], status: 'active' as const },
    ];
    const fixture = await sendFixture(0, {}, subscribers);
    opened.fixture = fixture;
    const database = await newerDatabase(what, fixture);
    opened.database = { close: database.drop };
    return { fixture, url: database.url };
  }

  it.each(Object.keys(NEWER))('holding %s is refused as newer by every read', async (what) => {
    const { fixture, url } = await setUp(what);
    const location = { kind: 'postgres', url } as const;
    const config = (await fixture.load()).config;
    const reads: (() => Promise<unknown>)[] = [
      () => readStoredReadersAt(location),
      () => readStoredSubscribersAt(location),
    ];
    // The suppressions live in the state component alone.
    if (NEWER[what]!.component === 'state') reads.push(() => readSuppressionCheckerAt(config, location));
    for (const read of reads)
      await expect(read()).rejects.toMatchObject({
        code: 'E_STATE_NEWER',
        message: expect.stringMatching(/schema version 99, newer than this rolecast knows/),
      });
  });

  it.each(Object.keys(NEWER))('holding %s stops build with exit 2, nothing written', async (what) => {
    const { fixture, url } = await setUp(what);
    const pool = await openPostgres(url, { max: 1 });
    try {
      const before = await tableNames(pool);
      const built = await runMain(fixture.dir, ['build', 'issues/2026-W48', '--out', 'out'], { DATABASE_URL: url });
      expect(built.code, built.all).toBe(2);
      expect(built.err).toContain(`the database at ${url} holds`);
      expect(built.err).toMatch(/schema version 99, newer than this rolecast knows/);
      expect(built.err).toContain('upgrade rolecast');
      expect(await tableNames(pool)).toEqual(before);
    } finally {
      await pool.end();
    }
  });
});
