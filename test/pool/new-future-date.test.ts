import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A summary dated far ahead (a year typed wrong) sorts first in the pool, so `new` picks it ahead
 * of this week's summaries. It is still picked, but the editor is told which file and which date.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('new and a summary dated in the future', () => {
  it('warns naming the file and its date', async () => {
    const made = await poolProject({
      'summaries/typo-year.json': JSON.stringify({
        title: 'Budgets for platform teams',
        summary: 'Fund the platform as a product.',
        roles: ['CTO'],
        date: '2099-11-27',
      }),
    });
    project = made.project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    expect(created.err).toMatch(/summaries\/typo-year\.json.*date.*dated 2099-11-27, after \d{4}-\d{2}-\d{2}/);
    // The summaries dated in the past raise nothing.
    expect(created.err).not.toMatch(/queues|flags|focus/);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries[0]).toBe('pool:typo-year');
  });

  it('says nothing when every summary is dated on or before today', async () => {
    project = (await poolProject()).project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    expect(created.err).toBe('');
  });
});
