import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrate, openPostgres, type Pool } from '../../src/db/postgres.js';
import { postgresSuppressionList } from '../../src/serve/suppressions-postgres.js';
import { STATE_MIGRATIONS } from '../../src/state/postgres-schema.js';
import { newReader } from '../../src/store/index.js';
import { migrateSubscriberStorePg, postgresSubscriberStore, SUBSCRIBER_MIGRATIONS } from '../../src/store/postgres.js';
import { createDatabase, describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { describeStoreContract } from './_contract.js';

describePostgres('PostgreSQL subscriber store', () => {
  const databaseUrl = useFreshDatabase('store');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(databaseUrl(), { max: 4 });
    await migrateSubscriberStorePg(pool);
  });
  afterAll(() => pool?.end());

  describeStoreContract('PostgreSQL', async () => {
    // Each test starts from empty tables in the suite's own database.
    await pool.query('TRUNCATE readers, reader_audit, reader_moves, suppressions, deliveries');
    const suppressions = postgresSuppressionList(pool);
    return {
      store: postgresSubscriberStore(pool),
      isSuppressed: async (email) => suppressions.isSuppressed(email),
      close: async () => {},
    };
  });

  it('adds field times and moves to readers an earlier release stored; that release then refuses the database', async () => {
    const database = await createDatabase('store_upgrade');
    const old = await openPostgres(database.url, { max: 1 });
    try {
      const earlier = SUBSCRIBER_MIGRATIONS.filter((m) => m.version === 1);
      const earlierState = STATE_MIGRATIONS.filter((m) => m.version <= 5);
      await migrate(old, 'state', earlierState);
      await migrate(old, 'subscribers', earlier);
      const at = '2026-11-01T10:00:00.000Z';
      await old.query(
        "INSERT INTO readers (email, name, roles, status, created_at, updated_at, reader_changed_at) VALUES ('ann@example.com', 'Ann', '[]', 'active', $1, $1, $1)",
        [at],
      );
      // Read before the upgrade (a send's audience): no moves, the record as it was.
      expect(await postgresSubscriberStore(old).moves()).toEqual([]);
      await migrateSubscriberStorePg(old);
      const store = postgresSubscriberStore(old);
      expect(await store.get('ann@example.com')).toMatchObject({
        name: 'Ann',
        readerChangedAt: at,
        readerFields: null,
      });
      await store.insert(newReader('bo@example.com', new Date(at), { readerFields: { name: at } }));
      expect((await store.get('bo@example.com'))?.readerFields).toEqual({ name: at });
      // Sending hosts check the state schema: the moves live there, so an older one does not mail an old address.
      await expect(migrate(old, 'state', earlierState)).rejects.toMatchObject({ code: 'E_STATE_NEWER' });
      await expect(migrate(old, 'subscribers', earlier)).rejects.toMatchObject({ code: 'E_STATE_NEWER' });
    } finally {
      await old.end();
      await database.drop();
    }
  });

  it('adds the noted file values to readers a release before them stored; that release then refuses the database', async () => {
    const database = await createDatabase('store_file_fields');
    const old = await openPostgres(database.url, { max: 1 });
    try {
      const earlier = SUBSCRIBER_MIGRATIONS.filter((m) => m.version <= 2);
      const earlierState = STATE_MIGRATIONS.filter((m) => m.version <= 6);
      await migrate(old, 'state', earlierState);
      await migrate(old, 'subscribers', earlier);
      const at = '2026-11-01T10:00:00.000Z';
      await old.query(
        "INSERT INTO readers (email, roles, status, created_at, updated_at, reader_fields) VALUES ('ann@example.com', '[]', 'active', $1, $1, $2)",
        [at, JSON.stringify({ name: at })],
      );
      await migrateSubscriberStorePg(old);
      const store = postgresSubscriberStore(old);
      expect(await store.get('ann@example.com')).toMatchObject({ readerFields: { name: at }, fileFields: null });
      await store.update('ann@example.com', { fileFields: { name: { at, said: 'h' } } }, new Date(at));
      expect((await store.get('ann@example.com'))?.fileFields).toEqual({ name: { at, said: 'h' } });
      // A send host of that release would compare the file's time alone: it refuses instead.
      await expect(migrate(old, 'state', earlierState)).rejects.toMatchObject({ code: 'E_STATE_NEWER' });
      await expect(migrate(old, 'subscribers', earlier)).rejects.toMatchObject({ code: 'E_STATE_NEWER' });
    } finally {
      await old.end();
      await database.drop();
    }
  });

  it('keeps the moves a release before the latest leaver stored, each its own latest; that release then refuses the database', async () => {
    const database = await createDatabase('store_latest_moved');
    const old = await openPostgres(database.url, { max: 1 });
    try {
      const earlierState = STATE_MIGRATIONS.filter((m) => m.version <= 7);
      await migrate(old, 'state', earlierState);
      await migrate(old, 'subscribers', SUBSCRIBER_MIGRATIONS);
      const at = '2026-11-01T10:00:00.000Z';
      await old.query(
        "INSERT INTO reader_moves (email, moved_to, at) VALUES ('bob@work.example', 'bob@home.example', $1)",
        [at],
      );
      // Read before the upgrade (a send's audience): the first reader to leave is the latest.
      const before = [
        { email: 'bob@work.example', movedTo: 'bob@home.example', at, latestMovedTo: 'bob@home.example' },
      ];
      expect(await postgresSubscriberStore(old).moves()).toEqual(before);
      await migrateSubscriberStorePg(old);
      expect(await postgresSubscriberStore(old).moves()).toEqual(before);
      // A serve of that release would pass an unsubscribe at a handed-on address to its first reader.
      await expect(migrate(old, 'state', earlierState)).rejects.toMatchObject({ code: 'E_STATE_NEWER' });
    } finally {
      await old.end();
      await database.drop();
    }
  });
});
