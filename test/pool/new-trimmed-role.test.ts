import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { oversizedDesignerPool } from './_fixture.js';

/**
 * When the size trim left out the only summary picked for a role, `new`'s coverage simply stopped
 * listing that role: it was neither covered nor among the roles with none, so a role going empty
 * this week showed only as a file name in the left-out lines. It is now named as having none, and why.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('new and a role the size trim leaves empty', () => {
  it('names the role as having none this week, because of the trim', async () => {
    project = (await oversizedDesignerPool()).project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/summaries\/design-reviews\.json \(Designer\)/);
    expect(created.out).toContain(
      'roles with none after the size trim (every summary picked for them is left out below): Designer',
    );
  });
});
