import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * `new` named what it picked, the twins it passed over and what the size trim left out, but a ready
 * summary it left in the pool because its roles already had their `perRole` picks went unnamed: the
 * editor saw the coverage counts and not that a story of theirs waits for a later week.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('rolecast new with more ready summaries than perRole takes', () => {
  it('names each summary it left waiting in the pool, with its roles', async () => {
    project = (await poolProject({}, { perRole: 1 })).project;
    const made = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(made.code, made.all).toBe(0);
    expect(made.out).toContain('1 summaries from summaries');
    expect(made.out).toContain(
      'left in the pool for a later issue, as their roles have their 1 each (perRole): summaries/flags.json (CTO), summaries/focus.md (Executive)',
    );
  });

  it('says nothing of the kind when every ready summary was picked', async () => {
    project = (await poolProject()).project;
    const made = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(made.code, made.all).toBe(0);
    expect(made.out).toContain('3 summaries from summaries');
    expect(made.all).not.toContain('left in the pool');
  });
});
