import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { storyTwins } from '../../src/load/same-story.js';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A recurring column keeps its title every week ("This week in security") while each week links
 * to a new article. Sharing a title with last week's is no reason to leave this week's out.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const summary = (title: string, url: string | undefined, date: string) =>
  JSON.stringify({ title, summary: `What ${title} says.`, roles: ['CTO'], date, ...(url ? { url } : {}) });

describe('one title over two articles', () => {
  it('is two stories when both links lead to different articles, one when a link is missing or the same', () => {
    const twins = storyTwins();
    const base = { title: 'This week in security', roles: ['CTO'] };
    twins.add({ ...base, id: 'w48', url: 'https://example.org/security/48' });
    expect(twins.twinOf({ ...base, id: 'w49', url: 'https://example.org/security/49' })).toBeUndefined();
    expect(twins.twinOf({ ...base, id: 'copy', url: undefined })).toEqual({ id: 'w48', by: 'title' });
    expect(twins.twinOf({ ...base, id: 'copy2', url: 'http://www.example.org/security/48/' })).toEqual({
      id: 'w48',
      by: 'title',
    });
  });

  it("new picks this week's column though last week's had the same title", async () => {
    const made = await poolProject({
      'summaries/security-48.json': summary('This week in security', 'https://example.org/security/48', '2026-11-20'),
      'summaries/security-49.json': summary('This week in security', 'https://example.org/security/49', '2026-11-27'),
      'issues/2026-W48/issue.json': JSON.stringify({
        subject: 's',
        date: '2026-11-26',
        summaries: ['pool:security-48'],
      }),
    });
    project = made.project;
    const created = await runMain(project.dir, ['new']);
    expect(created.code).toBe(0);
    expect(created.out).not.toMatch(/left out/);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries).toContain('pool:security-49');
  });
});
