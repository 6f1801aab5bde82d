import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openStateDb } from '../../src/send/store.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';

/**
 * A role renamed in roles.yaml without its old name kept as an alias leaves stored readers holding
 * the old name, which no summary names any more: check and send name each such role and how many
 * readers hold it, so the editor can add the alias.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const consent = { at: '2026-12-01T10:00:00.000Z', method: 'import' as const, wording: 'list.csv' };

async function storeReaders(dir: string, readers: { email: string; roles: string[]; status?: 'unsubscribed' }[]) {
  const config = await loadConfig({ cwd: dir });
  const db = openStateDb(join(config.stateDirAbs, 'state.db'));
  const store = sqliteSubscriberStore(db);
  for (const { email, roles, status } of readers)
    await store.insert(readerRecord(email, { roles, consent, ...(status ? { status } : {}) }));
  db.close();
}

describe('stored readers holding a role roles.yaml no longer names', () => {
  it('are counted per role by check and send', async () => {
    project = await tempProject({ withExample: true });
    await storeReaders(project.dir, [
      { email: 'a@example.com', roles: ['Designer'] },
      { email: 'b@example.com', roles: ['Designer', 'CTO'] },
      { email: 'c@example.com', roles: ['Designer'], status: 'unsubscribed' },
      { email: 'd@example.com', roles: ['CTO'] },
    ]);
    // Designer renamed to Product Designer, its old name not kept.
    const roles = await readFile(project.path('roles.yaml'), 'utf8');
    await writeFile(
      project.path('roles.yaml'),
      roles
        .replace('- name: Designer\n', '- name: Product Designer\n')
        .replace('aliases: [Product Designer, ', 'aliases: ['),
    );
    const checked = await runMain(project.dir, ['check', 'issues/2026-W48']);
    expect(checked.all).toMatch(
      /2 stored reader\(s\) hold the role "Designer", which roles\.yaml does not name: only a summary naming "Designer" itself reaches them for it/,
    );
    expect(checked.all).toContain('add "Designer" to the aliases of the role it became');
    expect(checked.all).not.toMatch(/hold the role "CTO"/);
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--dry-run']);
    expect(sent.all).toMatch(/2 stored reader\(s\) hold the role "Designer"/);
  });

  it('says nothing when every stored role is known', async () => {
    project = await tempProject({ withExample: true });
    await storeReaders(project.dir, [{ email: 'a@example.com', roles: ['Designer'] }]);
    const checked = await runMain(project.dir, ['check', 'issues/2026-W48']);
    expect(checked.all).not.toContain('stored reader(s) hold the role');
  });
});
