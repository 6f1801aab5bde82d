import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * Two pool copies of one article, the later one naming a role the first does not: `new` left the
 * later one out for all its roles, so that role's readers got the story from neither. A copy that
 * names every role of the one picked and more now takes its place; one that cannot (its roles only
 * overlap) is still left out, with the roles that lose the story named.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const summary = (title: string, url: string, roles: string[], date: string) =>
  JSON.stringify({ title, summary: `What ${title} argues.`, roles, url, date });

describe('new and a copy of a picked story that names more roles', () => {
  it('picks the copy that reaches every role of the first and more, and says so', async () => {
    const made = await poolProject({
      'summaries/burnout.json': summary(
        'Why On-Call Burns Out Seniors',
        'https://example.org/oncall',
        ['CTO'],
        '2026-11-28',
      ),
      'summaries/burnout-for-all.json': summary(
        'On-call burnout',
        'https://example.org/oncall/',
        ['CTO', 'Designer'],
        '2026-11-27',
      ),
    });
    project = made.project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries).toContain('pool:burnout-for-all');
    expect(issue.summaries).not.toContain('pool:burnout');
    expect(created.out).toContain(
      'summaries/burnout.json left out for "burnout-for-all", which links to the same article as it and also reaches Designer',
    );
    expect(created.out).toMatch(/^ {2}Designer\s+1$/m);
    expect(created.out).not.toContain('telling a story already picked');
  });

  it('names the roles that lose the story when neither copy covers the other', async () => {
    const made = await poolProject({
      'summaries/burnout.json': summary(
        'Why On-Call Burns Out Seniors',
        'https://example.org/oncall',
        ['CTO', 'Executive'],
        '2026-11-28',
      ),
      'summaries/burnout-design.json': summary(
        'On-call burnout',
        'https://example.org/oncall',
        ['CTO', 'Designer'],
        '2026-11-27',
      ),
    });
    project = made.project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries).toContain('pool:burnout');
    expect(issue.summaries).not.toContain('pool:burnout-design');
    expect(created.out).toContain(
      'summaries/burnout-design.json: links to the same article as "burnout" (picked this week)',
    );
    expect(created.out).toContain(
      'its Designer readers get this story from neither; to reach them, add that role to "burnout"',
    );
  });
});
