import { expect, it } from 'vitest';
import { perTest } from '../helpers/per-test.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * send --test checks the address against the suppression list of --state: a --state naming no file
 * (a typo, a folder not mounted) checks nobody, and the test went out without a word.
 */

const opened = perTest<{ project: TempProject }>(['project']);

it('a test send given a --state where no file is says that no suppression list was checked', async () => {
  const project = await tempProject({ withExample: true });
  opened.project = project;
  const argv = 'send issues/2026-W48 --state elsewhere/stat.db --test editor@example.org --outbox tests';
  const test = await runMain(project.dir, [...argv.split(' '), '--subscribers', 'subscribers.example.json']);
  expect(test.code, test.all).toBe(0);
  expect(test.all).toMatch(
    /there is no state file at elsewhere\/stat\.db \(.*elsewhere\/stat\.db\): .*checks no suppression list/,
  );
  expect(test.all).toContain('give --state the file your sends use');
});
