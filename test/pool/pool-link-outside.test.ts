import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A pool file that is a link to a file outside the project was listed as ready by `pool` and picked
 * by `new`, which wrote an issue that `check` then refused ("whose file leads outside the project
 * folder"): the editor's first look at the new week was an error. `pool` and `new` now name the
 * link as an error and leave it out; `new` still writes the issue and exits 2.
 */

let project: TempProject | undefined;
const outside = join(tmpdir(), `rolecast-outside-${process.pid}.md`);
afterEach(async () => {
  await project?.cleanup();
  await rm(outside, { force: true });
});

describe('a pool file linking outside the project', () => {
  it('is named and left out by pool and new', async () => {
    await writeFile(outside, '---\ntitle: Private\ndate: 2026-12-03\nroles: [CTO]\n---\n\nKept elsewhere.\n');
    project = (await poolProject()).project;
    await symlink(outside, project.path('summaries/private.md'));

    const listed = await runMain(project.dir, ['pool']);
    expect(listed.code).toBe(2);
    expect(listed.err).toContain('summaries/private.md');
    expect(listed.err).toMatch(/is a link that leads outside the project folder .*, so no issue can use it/);
    expect(listed.out).not.toMatch(/ private /);

    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(2);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries).not.toContain('pool:private');
    const checked = await runMain(project.dir, ['check', 'issues/2026-W49']);
    expect(checked.out).not.toMatch(/leads outside the project folder/);
  });
});
