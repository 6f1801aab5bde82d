import { readFile, rename, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * An issue names a pool summary by its file name alone. A summary an earlier issue took, renamed in
 * the pool since (its text as it was, or lightly edited), was a new summary to `new`, which picked
 * it again: its readers got the story twice. `new` now keeps, beside each issue it writes, what it
 * knew of each pick (picked.json: title, link, roles, a fingerprint of the text), so the renamed
 * file is still that story: it is left out and named, with the name the issue knows it by.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const FRESH = '---\ntitle: Fresh\ndate: 2026-12-01\nroles: [CTO, Executive]\n---\n\nSomething new.\n';

async function firstWeek() {
  project = (
    await poolProject({
      'summaries/flags.json': JSON.stringify({
        title: 'Flags',
        summary: 'Retire flags.',
        roles: ['CTO'],
        date: '2026-11-25',
        url: 'https://example.org/flags',
      }),
    })
  ).project;
  const first = await runMain(project.dir, ['new', '--week', '2026-W48']);
  expect(first.code).toBe(0);
  const issue = JSON.parse(await readFile(project.path('issues/2026-W48/issue.json'), 'utf8'));
  expect(issue.summaries).toEqual(['pool:queues', 'pool:flags', 'pool:focus']);
  await writeFile(project.path('summaries/fresh.md'), FRESH);
  return project;
}

async function nextWeek(dir: string) {
  const run = await runMain(dir, ['new', '--week', '2026-W49']);
  const issue = JSON.parse(await readFile(`${dir}/issues/2026-W49/issue.json`, 'utf8'));
  return { run, summaries: issue.summaries as string[] };
}

describe('a summary an earlier issue took, renamed in the pool since', () => {
  it('is left out when its text is as it was, even retitled and in another format', async () => {
    const p = await firstWeek();
    const text = await readFile(p.path('summaries/queues.txt'), 'utf8');
    await rename(p.path('summaries/queues.txt'), p.path('summaries/queues-2026.txt'));
    await writeFile(
      p.path('summaries/focus-time.json'),
      JSON.stringify({ title: 'Guard your focus', summary: 'Protect  focus time.', roles: ['Executive'] }),
    );
    await rename(p.path('summaries/focus.md'), p.path('focus.md.old'));
    expect(text).toContain('Queues absorb bursts.');
    const { run, summaries } = await nextWeek(p.dir);
    expect(summaries).toEqual(['pool:fresh']);
    expect(run.out).toContain(
      'summaries/queues-2026.txt: has the same text as "queues" (in issue 2026-W48, whose file is no longer in the pool: renamed or deleted since)',
    );
    expect(run.out).toContain('summaries/focus-time.json: has the same text as "focus" (in issue 2026-W48');
  });

  it('is left out when lightly edited under its title, or linking to the same article', async () => {
    const p = await firstWeek();
    await rename(p.path('summaries/queues.txt'), p.path('summaries/queues-edited.txt'));
    await writeFile(
      p.path('summaries/queues-edited.txt'),
      'Queues\nDate: 2026-11-27\nSummary\nQueues absorb bursts well.\nBest for: CTO, CEO\nEditorial summary by Rolecast.\n',
    );
    await rename(p.path('summaries/flags.json'), p.path('summaries/flag-debt.json'));
    await writeFile(
      p.path('summaries/flag-debt.json'),
      JSON.stringify({
        title: 'The cost of old flags',
        summary: 'A different take on retiring flags.',
        roles: ['CTO'],
        date: '2026-11-30',
        url: 'https://www.example.org/flags/',
      }),
    );
    const { run, summaries } = await nextWeek(p.dir);
    expect(summaries).toEqual(['pool:fresh']);
    expect(run.out).toContain(
      'summaries/queues-edited.txt: has the same title as "queues" (in issue 2026-W48, whose file',
    );
    expect(run.out).toContain(
      'summaries/flag-debt.json: links to the same article as "flags" (in issue 2026-W48, whose file',
    );
    // The editor decides about a rewrite: it is named with the way to keep it.
    expect(run.out).toContain('if one is a different take, give it its own title and roles');
  });

  it('leaves a record check does not take for a summary file the issue forgot', async () => {
    const p = await firstWeek();
    const checked = await runMain(p.dir, ['check', 'issues/2026-W48']);
    expect(`${checked.out}${checked.err}`).not.toContain('picked.json');
  });

  it('is picked again once the issue no longer names it', async () => {
    const p = await firstWeek();
    await rename(p.path('summaries/queues.txt'), p.path('summaries/queues-2026.txt'));
    const file = p.path('issues/2026-W48/issue.json');
    const issue = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...issue, summaries: ['pool:flags', 'pool:focus'] }));
    const { summaries } = await nextWeek(p.dir);
    expect(summaries).toContain('pool:queues-2026');
  });

  it('warns when the record does not read, and still writes the issue', async () => {
    const p = await firstWeek();
    await writeFile(p.path('issues/2026-W48/picked.json'), '{ broken');
    const { run, summaries } = await nextWeek(p.dir);
    expect(summaries).toEqual(['pool:fresh']);
    expect(run.err).toContain('issues/2026-W48/picked.json');
    expect(run.err).toContain('could not be read');
  });
});
