import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openStateDb } from '../../src/send/store.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { CONFIG, ROLES } from './_fixture.js';

/**
 * A reader stored with known roles joined in one ("CTO & CEO", kept so before such a role was read
 * as each) is mailed the stories of each by a send; `new` reads the store's roles the same way, so
 * it picks for those roles first and does not name them as held by no reader.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const pool: Record<string, string> = {};
['CTO', 'Executive', 'Designer'].forEach((role, i) => {
  pool[`summaries/story-${i}.json`] = JSON.stringify({
    title: `Story ${i}`,
    summary: `What story ${i} says.`,
    roles: [role],
    url: `https://example.org/story-${i}`,
    date: `2026-11-2${i}`,
  });
});

describe('new and a stored reader holding joined roles', () => {
  it('counts each joined role as held', async () => {
    project = await tempProject({
      files: { 'rolecast.config.json': JSON.stringify(CONFIG), 'roles.yaml': ROLES, ...pool },
    });
    const config = await loadConfig({ cwd: project.dir });
    const db = openStateDb(join(config.stateDirAbs, 'state.db'));
    const consent = { at: '2026-12-01T10:00:00.000Z', method: 'import' as const, wording: 'list.csv' };
    await sqliteSubscriberStore(db).insert(readerRecord('jo@example.com', { roles: ['CTO & CEO'], consent }));
    db.close();
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code, created.all).toBe(0);
    expect(created.out).toMatch(/readers: 1 in the subscriber store/);
    expect(created.out).toMatch(/roles no reader holds \(.*\): Designer 1$/m);
  });
});
