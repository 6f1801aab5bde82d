import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteBounceStore } from '../../src/bounces/index.js';
import { journalPath } from '../../src/send/journal.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { stateSuppressionList } from '../../src/serve/index.js';
import { openState } from '../../src/state/open.js';

/**
 * A library caller that opens the state by a relative path and then changes directory: the path
 * is resolved once, when the state is opened, so its writes still go to that file (and the journal
 * beside it), never refused as "deleted" nor written relative to the new folder.
 */

let root: string;
let before: string;
let db: StateDb | undefined;

beforeEach(() => {
  before = process.cwd();
  root = mkdtempSync(join(tmpdir(), 'rolecast-chdir-'));
  mkdirSync(join(root, 'project'));
  mkdirSync(join(root, 'elsewhere'));
  process.chdir(join(root, 'project'));
});

afterEach(() => {
  process.chdir(before);
  db?.close();
  db = undefined;
  rmSync(root, { recursive: true, force: true });
});

describe('a state opened by a relative path, then the process changes directory', () => {
  it('the ledger records a send into the file it opened', async () => {
    const store = await openState({ kind: 'sqlite', file: 'state/state.db' });
    try {
      process.chdir(join(root, 'elsewhere'));
      const ledger = store.ledger('2026-W48', 'smtp', () => new Date('2026-12-01T10:00:00Z'));
      await ledger.startRun(1);
      await ledger.recordMany([
        {
          email: 'priya.raman@example.com',
          variantId: 'cto',
          status: 'sent',
          messageId: '<a@example.com>',
          attempts: 1,
          responseCode: 250,
          response: '250 ok',
        },
      ]);
      expect([...(await ledger.recorded()).entries()]).toEqual([['priya.raman@example.com', 'sent']]);
    } finally {
      await store.close();
    }
  });

  it("serve's unsubscribe goes into the database, not into a journal beside the new folder", async () => {
    db = openStateDb('state/state.db');
    const list = stateSuppressionList(db, { writeWaitMs: 50 });
    process.chdir(join(root, 'elsewhere'));
    expect(await list.add('priya.raman@example.com', { reason: 'unsubscribe', source: 'one-click' })).toBe('added');
    expect(list.isSuppressed('priya.raman@example.com')).toBe(true);
    expect(existsSync(join(root, 'elsewhere', 'state'))).toBe(false);
    expect(existsSync(journalPath(join(root, 'project', 'state', 'state.db')))).toBe(false);
  });

  it("serve's bounce store records a complaint in the database", async () => {
    db = openStateDb('state/state.db');
    const store = sqliteBounceStore(db);
    process.chdir(join(root, 'elsewhere'));
    const added = await store.transaction(() =>
      store.suppress('priya.raman@example.com', {
        reason: 'complaint',
        source: 'postmark',
        at: '2026-12-01T10:00:00.000Z',
      }),
    );
    expect(added).toBe(true);
    expect(await store.isSuppressed('priya.raman@example.com')).toBe(true);
    expect(existsSync(join(root, 'elsewhere', 'state'))).toBe(false);
  });
});
