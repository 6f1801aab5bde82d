import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/db/postgres.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { type FileReaders, startFileReaders } from './_file-readers.js';
import { confirmLink, joinedAndLeft, postSignup, pressConfirm, statusOf, suppressed } from './_returning.js';

/**
 * A reader coming back after an unsubscribe presses Confirm while the store refuses the write that
 * makes them a reader again (here a trigger in the database, as a full disk or a failing server
 * would): nothing changes, they stay suppressed, the page says to try again, and the same link
 * works once the store takes writes. On SQLite and PostgreSQL.
 */

interface Refusal {
  on(): Promise<void>;
  off(): Promise<void>;
}

function scenario(start: () => { h: FileReaders; refusal: Refusal }) {
  it('a confirmation the store could not save changes nothing, and the same link works afterwards', async () => {
    const { h, refusal } = start();
    const reader = 'not.saved@example.com';
    await joinedAndLeft(h, reader);
    await postSignup(h, reader);
    const link = await confirmLink(h, reader, 2);
    const before = await statusOf(h, reader);
    await refusal.on();
    try {
      const token = new URL(link).searchParams.get('token')!;
      const response = await fetch(new URL('/confirm', link), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'de' },
        body: new URLSearchParams({ token }).toString(),
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('60');
      expect(await response.text()).toContain('Ihre Änderung wurde nicht gespeichert');
    } finally {
      await refusal.off();
    }
    expect(await suppressed(h, reader)).toBe(true);
    expect(await statusOf(h, reader)).toBe(before);

    expect(await pressConfirm(link)).toBe(200);
    expect(await statusOf(h, reader)).toBe('active');
    expect(await suppressed(h, reader)).toBe(false);
  });
}

describe('a returning reader whose confirmation the store refuses', () => {
  let h: FileReaders;
  let db: Database.Database;
  beforeAll(async () => {
    h = await startFileReaders();
    db = new Database(h.project.path('.rolecast/state.db'));
    db.pragma('busy_timeout = 5000');
  }, 60_000);
  afterAll(async () => {
    db?.close();
    await h?.close();
  });
  scenario(() => ({
    h,
    refusal: {
      on: async () =>
        void db.exec(`CREATE TRIGGER refuse_activation BEFORE UPDATE OF status ON readers WHEN NEW.status = 'active'
          BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`),
      off: async () => void db.exec('DROP TRIGGER refuse_activation'),
    },
  }));
});

describePostgres('a returning reader whose confirmation the store refuses, with the state in PostgreSQL', () => {
  const databaseUrl = useFreshDatabase('signup_again_refused');
  let h: FileReaders;
  let pool: Awaited<ReturnType<typeof openPostgres>>;
  beforeAll(async () => {
    h = await startFileReaders({ DATABASE_URL: databaseUrl() });
    pool = await openPostgres(databaseUrl(), { max: 1 });
  }, 60_000);
  afterAll(async () => {
    await pool?.end();
    await h?.close();
  });
  scenario(() => ({
    h,
    refusal: {
      async on() {
        await pool.query(`CREATE FUNCTION refuse_activation() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device'; END $$`);
        await pool.query(`CREATE TRIGGER refuse_activation BEFORE UPDATE ON readers FOR EACH ROW
          WHEN (NEW.status = 'active') EXECUTE FUNCTION refuse_activation()`);
      },
      async off() {
        await pool.query('DROP TRIGGER refuse_activation ON readers');
        await pool.query('DROP FUNCTION refuse_activation()');
      },
    },
  }));
});
