import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * When the size trim left out the only summary picked for a role, `new`'s coverage simply stopped
 * listing that role: it was neither covered nor among the roles with none, so a role going empty
 * this week showed only as a file name in the left-out lines. It is now named as having none, and why.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const long = Array.from({ length: 600 }, (_, i) => `Sentence ${i} on how design reviews catch problems early.`).join(
  ' ',
);

describe('new and a role the size trim leaves empty', () => {
  it('names the role as having none this week, because of the trim', async () => {
    project = (
      await poolProject(
        {
          'summaries/design-reviews.json': JSON.stringify({
            title: 'Design reviews at scale',
            summary: long,
            roles: ['Designer'],
            url: 'https://example.org/design-reviews',
            date: '2026-11-26',
          }),
        },
        { sizeLimitKb: 30, sizeWarnKb: 25 },
      )
    ).project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/summaries\/design-reviews\.json \(Designer\)/);
    expect(created.out).toContain(
      'roles with none after the size trim (every summary picked for them is left out below): Designer',
    );
  });
});
