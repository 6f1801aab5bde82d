import { rm } from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A pool file `new` picked for an issue, renamed or deleted before the issue went out, leaves the
 * issue naming an id the pool no longer holds. The id closest to it is another story: pointing the
 * editor at it would put that story in the issue in place of the one picked.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const story = (title: string, roles: string[], date: string) =>
  JSON.stringify({ title, summary: `${title}, told.`, roles, url: `https://example.org/${date}`, date });

it.each([
  { case: 'renamed', gone: async (p: TempProject) => p.write('summaries/board-notes.json', BOARD) },
  { case: 'deleted', gone: async () => undefined },
])('check names the story new picked when its pool file was $case, not a look-alike id', async ({ gone }) => {
  ({ project } = await poolProject({
    'summaries/story-49.json': BOARD,
    'summaries/story-09.json': story('Gardening for Designers', ['Designer'], '2026-11-01'),
  }));
  const created = await runCli(['new', '--week', '2026-W49'], { cwd: project.dir });
  expect(created.code, created.stderr).toBe(0);
  await rm(project.path('summaries/story-49.json'));
  await gone(project);
  const checked = await runCli(['check', 'issues/2026-W49'], { cwd: project.dir });
  expect(checked.code).toBe(2);
  const output = checked.stdout + checked.stderr;
  expect(output).toContain(
    'issues/2026-W49/issue.json:5: summaries[0]: names pool summary "story-49", which is not in summaries: rolecast new picked it for this issue ("What Boards Ask"), and its file was renamed or deleted since — put the file back, or name the file it was renamed to (`rolecast pool` shows it used by 2026-W49 "(as story-49)")',
  );
  expect(output).not.toContain('pool:story-09"?');
});

const BOARD = story('What Boards Ask', ['CTO'], '2026-11-28');
