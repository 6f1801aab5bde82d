import { readdir, readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgres, type Pool } from '../../src/db/postgres.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * An address erased with `subscribers forget` and then met again in a list the editor imports, or
 * given to `subscribers add`: it is never stored in plain again, and never mailed.
 */

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

async function forgetThenMeetAgain(env: NodeJS.ProcessEnv = {}) {
  expect((await runMain(project.dir, ['subscribers', 'add', 'gone@example.com', '--roles', 'CTO'], env)).code).toBe(0);
  expect((await runMain(project.dir, ['subscribers', 'forget', 'gone@example.com'], env)).code).toBe(0);
  await project.write('old.csv', 'email,roles\nGone@Example.com,CTO\nstay@example.com,CTO\n');
  const imported = await runMain(project.dir, ['subscribers', 'import', 'old.csv'], env);
  expect(imported.code, imported.all).toBe(0);
  expect(imported.out).toMatch(/imported 1 new reader\(s\).*; 1 erased address\(es\) left out/);
  const added = await runMain(project.dir, ['subscribers', 'add', 'gone@example.com', '--roles', 'CTO'], env);
  expect(added.code).toBe(2);
  expect(added.err).toMatch(/gone@example\.com was erased \(subscribers forget\)/);
  const listed = await runMain(project.dir, ['subscribers', 'list'], env);
  expect(listed.out).not.toMatch(/gone@/i);
  const sent = await runMain(project.dir, ['send', 'issues/2026-W48'], env);
  expect(sent.code, sent.all).toBe(0);
  expect(await readdir(project.path('outbox/2026-W48'))).toEqual(['stay@example.com.eml']);
}

describe('an erased address met again (SQLite)', () => {
  it('is left out of an import and refused by add: not stored in plain, not mailed', async () => {
    await forgetThenMeetAgain();
    const bytes = await readFile(project.path('.rolecast/state.db'));
    expect(bytes.includes('gone@example.com')).toBe(false);
  });
});

describePostgres('an erased address met again (PostgreSQL)', () => {
  const url = useFreshDatabase('import_erased');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(url(), { max: 1 });
  });
  afterAll(() => pool?.end());

  it('is left out of an import and refused by add: in no reader row', async () => {
    await forgetThenMeetAgain({ DATABASE_URL: url() });
    const rows = await pool.query("SELECT email FROM readers WHERE email LIKE 'gone@%'");
    expect(rows.rowCount).toBe(0);
  });
});
