import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * `suppress add` on a state file another program keeps locked: the advice says what running it again
 * does for an address, not what it does for an import, which it is not.
 */

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

it('suppress add on a locked state file says the address was not suppressed, not that an import was not', async () => {
  const file = join(project.dir, '.rolecast', 'state.db');
  openStateDb(file).close();
  const holder = new Database(file);
  holder.exec('BEGIN EXCLUSIVE');
  const run = await runMain(project.dir, ['suppress', 'add', 'gone@example.com']).finally(() => holder.close());
  expect(run.code, run.all).toBe(3);
  expect(run.err).toContain('is locked by another program');
  expect(run.err).not.toContain('import');
  expect(run.err).toContain('the address was not suppressed');
});
