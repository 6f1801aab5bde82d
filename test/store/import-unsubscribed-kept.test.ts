import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { newReader, sqliteSubscriberStore } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
const stateFile = () => project.path('.rolecast/state.db');

beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

describe('an import naming, as unsubscribed, an address the preferences page kept', () => {
  for (const update of [false, true])
    it(`leaves it out of every send${update ? ' (--update)' : ''}`, async () => {
      expect((await runMain(project.dir, ['subscribers', 'add', 'a@example.com', '--roles', 'CTO'])).code).toBe(0);
      // A reader of an earlier subscribers file saved their settings on the preferences page.
      const db = openStateDb(stateFile());
      await sqliteSubscriberStore(db).insert(
        newReader('kept@example.com', new Date(), { roles: ['CTO'], readerChangedAt: new Date().toISOString() }),
      );
      db.close();
      // The list the editor moves to the store says that reader left (elsewhere: no suppression here).
      await project.write(
        'list.csv',
        'email,roles,status\nkept@example.com,CTO,unsubscribed\nnew@example.com,CTO,active\n',
      );
      const imported = await runMain(project.dir, [
        'subscribers',
        'import',
        'list.csv',
        ...(update ? ['--update'] : []),
      ]);
      expect(imported.code, imported.all).toBe(0);
      const sent = await runMain(project.dir, ['send', 'issues/2026-W48']);
      expect(sent.code, sent.all).toBe(0);
      expect((await readdir(project.path('outbox/2026-W48'))).sort()).toEqual([
        'a@example.com.eml',
        'new@example.com.eml',
      ]);
      const listed = await runMain(project.dir, ['subscribers', 'list', '--status', 'unsubscribed']);
      expect(listed.out).toMatch(/^kept@example\.com\tunsubscribed/m);
    });
});
