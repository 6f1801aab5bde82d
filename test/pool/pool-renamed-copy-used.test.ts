import { readFile, rename } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * `rolecast pool` counted a renamed copy of a story an issue sent as ready and unused, with no
 * issue beside it, while `new` left the same file out as that story: the editor read that the pool
 * held a story waiting that no issue would ever pick. The list now shows it used by the issue that
 * sent it, under the name it was sent as, and counts it as such.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('rolecast pool and a renamed copy of a sent story', () => {
  it('shows the copy used by the issue that took it, as new sees it', async () => {
    project = (await poolProject()).project;
    expect((await runMain(project.dir, ['new', '--week', '2026-W48'])).code).toBe(0);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W48/issue.json'), 'utf8'));
    expect(issue.summaries).toContain('pool:queues');
    await rename(project.path('summaries/queues.txt'), project.path('summaries/queues-again.txt'));

    const listed = await runMain(project.dir, ['pool']);
    // Queues, flags and focus were sent; contracts is a draft.
    expect(listed.out).toContain('4 summaries (3 ready, 1 draft; 0 ready and unused)');
    expect(listed.out).toMatch(/queues-again +2026-W48 \(as queues\) +CTO, Executive/);
    expect(listed.out).toContain('(as ID): a renamed copy of a story that issue sent under that name');

    const json = JSON.parse((await runMain(project.dir, ['pool', '--json'])).out);
    const copy = json.entries.find((e: { id: string }) => e.id === 'queues-again');
    expect(copy.usedIn).toEqual([]);
    expect(copy.sentAs).toEqual({ id: 'queues', usedIn: ['2026-W48'] });
  });
});
