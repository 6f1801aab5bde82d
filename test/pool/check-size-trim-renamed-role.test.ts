import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { oversizedDesignerPool } from './_fixture.js';

/**
 * picked.json names the roles of what `new` left out for size as roles.yaml named them that day.
 * After a role is renamed (its old name kept as an alias), check shows the role under its new name,
 * and the reason it has none must still be shown there.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('a role the size trim left with none, renamed in roles.yaml since', () => {
  it('is shown by check under its new name with the reason', async () => {
    project = (await oversizedDesignerPool()).project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.out).toContain('roles with none after the size trim');
    await writeFile(
      project.path('roles.yaml'),
      'roles:\n  - name: CTO\n  - name: Executive\n    aliases: [CEO]\n  - name: Product Designer\n    aliases: [Designer]\n',
    );
    const checked = await runMain(project.dir, ['check', 'issues/2026-W49']);
    expect(checked.out).toMatch(
      /Product Designer[ ·●]+0 {2}← none this week \(new left out pool:design-reviews for size/,
    );
  });
});
