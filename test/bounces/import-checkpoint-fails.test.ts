import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hardBounceMbox } from '../helpers/bounces.js';

/**
 * `bounces import` copies the state file's log into the file after each batch it commits. When
 * that copy throws, the batch is in the file already: the import must say its suppressions were
 * recorded rather than that the file could not be written, and the same import run again must
 * record nothing twice.
 */

let failCopy: Error | undefined;

vi.mock('../../src/state/sqlite/generation.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/state/sqlite/generation.js')>();
  return {
    ...real,
    checkpointAhead: (...args: Parameters<typeof real.checkpointAhead>) => {
      if (failCopy) throw failCopy;
      real.checkpointAhead(...args);
    },
  };
});

// Test files share one module registry: the store and the import are loaded afresh, mocked.
vi.resetModules();
const { openStateDb } = await import('../../src/send/store.js');
const { importBounces, sqliteBounceStore } = await import('../../src/bounces/index.js');
const { RolecastError } = await import('../../src/errors.js');

afterAll(() => {
  vi.doUnmock('../../src/state/sqlite/generation.js');
  vi.resetModules();
});

const READERS = ['gone.a@example.org', 'gone.b@example.org', 'gone.c@example.org'];
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-import-checkpoint-'));
  writeFileSync(join(dir, 'bounces.mbox'), hardBounceMbox(READERS));
});

afterEach(() => {
  failCopy = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const options = () => ({ source: 'import:bounces.mbox', softLimit: 3, now: new Date('2026-12-01T09:00:00Z') });

function diskFull(): Error {
  return Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
}

describe('bounces import when the copy of the log after a commit throws', () => {
  it.each([
    ['an error of its own', () => new Error('the database connection is not open')],
    ['a full disk', diskFull],
  ])(
    '(%s) says the batch was recorded, keeps its suppressions, and a second run records nothing twice',
    async (_, failure) => {
      const db = openStateDb(join(dir, 'state.db'));
      try {
        const store = sqliteBounceStore(db);
        failCopy = failure();
        const error = await importBounces(join(dir, 'bounces.mbox'), store, options()).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(RolecastError);
        const { message, hint } = error as InstanceType<typeof RolecastError>;
        expect(message).toContain(join(dir, 'state.db'));
        expect(message).toContain('recorded');
        expect(message).toContain(failCopy.message);
        expect(message).not.toContain('could not be written');
        expect(hint).toContain('not recorded twice');
        for (const email of READERS) expect(await store.isSuppressed(email)).toBe(true);
        expect(await store.events()).toHaveLength(READERS.length);

        failCopy = undefined;
        const again = await importBounces(join(dir, 'bounces.mbox'), store, options());
        expect(again.decisions.map((d) => d.outcome)).toEqual(READERS.map(() => 'duplicate'));
        expect(await store.events()).toHaveLength(READERS.length);
      } finally {
        db.close();
      }
    },
  );
});
