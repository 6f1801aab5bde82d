import { existsSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openState } from '../../src/state/open.js';
import { hashedAddress } from '../../src/store/hash.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/** `rolecast suppress` with DATABASE_URL: the list lives in PostgreSQL, hashed entries included. */

describePostgres('suppress with the state in PostgreSQL', () => {
  const url = useFreshDatabase('suppress');
  let project: TempProject;
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
  });
  afterEach(() => project.cleanup());

  it('adds, imports and lists addresses in the shared database', async () => {
    const env = { DATABASE_URL: url() };
    const store = await openState({ kind: 'postgres', url: url() });
    await store.suppressions.addMany([{ email: hashedAddress('erased@example.com'), reason: 'erased' }], 'forget');
    await store.close();
    const added = await runMain(project.dir, ['suppress', 'add', 'Someone@Example.com', '--reason', 'asked'], env);
    expect(added.code).toBe(0);
    expect(added.out).toContain('suppressed Someone@Example.com');
    const again = await runMain(project.dir, ['suppress', 'add', 'someone@example.com'], env);
    expect(again.out).toContain('was already suppressed');
    await project.write('bounces.csv', 'email,reason\nerased@example.com,bounce\nnew@example.com,bounce\n');
    const imported = await runMain(project.dir, ['suppress', 'import', 'bounces.csv'], env);
    expect(imported.out).toContain('imported 1 new address(es); 1 already suppressed');
    const listed = await runMain(project.dir, ['suppress', 'list', '--json'], env);
    const entries = JSON.parse(listed.out) as { email: string; reason: string }[];
    expect(entries.map((e) => e.email).sort()).toEqual(
      [hashedAddress('erased@example.com'), 'new@example.com', 'someone@example.com'].sort(),
    );
    expect(existsSync(project.path('.rolecast/state.db'))).toBe(false);
  });
});
