import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { sendIssue } from '../../src/send/index.js';
import { openStateDb } from '../../src/send/store.js';
import { forgetReader } from '../../src/store/forget.js';
import { newReader, type SubscriberStore, sqliteSubscriberStore } from '../../src/store/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * `subscribers forget` erases a reader and the addresses they moved away from, one transaction
 * each. A run stopped between two of them (the disk filled up) must leave no address mailable
 * that the same command, run again, would not find: a subscribers file still lists the old one.
 */

const OLD = 'lu.old@example.com';
const NEW = 'lu.new@example.com';

let project: TempProject;
let stateFile: string;

beforeEach(async () => {
  project = await tempProject({ withExample: true });
  stateFile = join((await loadConfig({ cwd: project.dir })).stateDirAbs, 'state.db');
});
afterEach(() => project.cleanup());

/** The store, its second erasure refused as a full disk refuses a write. */
function failingSecondForget(store: SubscriberStore): SubscriberStore {
  let calls = 0;
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key !== 'forget') return Reflect.get(target, key, receiver);
      return async (email: string, now: Date) => {
        calls++;
        if (calls === 2) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        return target.forget(email, now);
      };
    },
  });
}

describe('subscribers forget stopped half-way, then run again', () => {
  it('leaves the address the reader moved away from erased: a list that names it does not mail it', async () => {
    await project.write('list.json', JSON.stringify([{ email: OLD, roles: ['CTO'] }]));
    const db = openStateDb(stateFile);
    try {
      const store = sqliteSubscriberStore(db);
      // A reader of the file who moved to a new address on the preferences page.
      await store.insert(newReader(OLD, new Date(), { roles: ['CTO'] }));
      expect(await store.rename(OLD, NEW, new Date())).toBe(true);

      await expect(forgetReader(failingSecondForget(store), NEW, new Date())).rejects.toThrow(/disk is full/);
      await forgetReader(store, NEW, new Date());
    } finally {
      db.close();
    }

    const outbox = project.path('outbox');
    const report = await sendIssue({
      issueDir: 'issues/2026-W48',
      subscribersFile: 'list.json',
      cwd: project.dir,
      env: {},
      outbox,
    });
    expect(report.total.skipped.suppressed).toBe(1);
    expect(await readdir(outbox).catch(() => [])).toEqual([]);
  });
});
