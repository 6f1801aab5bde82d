import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/** `subscribers add --roles` reads known roles joined in one ("CTO/VP Engineering") as a subscribers file does. */

describe('subscribers add with known roles joined in one', () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
  });
  afterEach(() => project.cleanup());

  it('adds the reader with each role, and still refuses a part no role names', async () => {
    const added = await runMain(project.dir, ['subscribers', 'add', 'jo@example.com', '--roles', 'CTO/VP Engineering']);
    expect(added.code, added.all).toBe(0);
    const listed = await runMain(project.dir, ['subscribers', 'list', '--json']);
    expect((JSON.parse(listed.out) as { roles: string[] }[])[0]?.roles).toEqual(['CTO', 'VP of Engineering/Data']);
    const refused = await runMain(project.dir, ['subscribers', 'add', 'lee@example.com', '--roles', 'CTO/Space Cadet']);
    expect(refused.code).not.toBe(0);
    expect(refused.all).toContain('"CTO/Space Cadet" is not a known role');
  });
});
