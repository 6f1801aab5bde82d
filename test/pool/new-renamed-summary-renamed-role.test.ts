import { readFile, rename, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * picked.json keeps the roles of each pick as roles.yaml named them that week. Once a role is
 * renamed (its old name kept as an alias), the pool reads the renamed copy of a sent story under the
 * new name: the two must still be known as one story for a role they share, or its readers get it twice.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const RENAMED_ROLES =
  'roles:\n  - name: Chief Technology Officer\n    aliases: [CTO]\n  - name: Leadership\n    aliases: [Executive, CEO]\n  - name: Designer\n';

describe('a renamed copy of a sent story, after roles.yaml renamed its roles', () => {
  it('is still left out and named, not picked again', async () => {
    project = (await poolProject({})).project;
    const first = await runMain(project.dir, ['new', '--week', '2026-W48']);
    expect(first.code).toBe(0);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W48/issue.json'), 'utf8'));
    expect(issue.summaries).toContain('pool:queues');
    await writeFile(project.path('roles.yaml'), RENAMED_ROLES);
    await rename(project.path('summaries/queues.txt'), project.path('summaries/queues-2026.txt'));
    await writeFile(
      project.path('summaries/fresh.md'),
      '---\ntitle: Fresh\ndate: 2026-12-01\nroles: [CTO, Executive]\n---\n\nSomething new.\n',
    );
    const run = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(run.code).toBe(0);
    const next = JSON.parse(await readFile(project.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(next.summaries).toEqual(['pool:fresh']);
    expect(run.out).toContain('summaries/queues-2026.txt: has the same text as "queues" (in issue 2026-W48');
  });
});
