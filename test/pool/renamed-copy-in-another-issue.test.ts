import { readFile, rename, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * An issue that took a pool summary renamed after another issue took it under its old name (known
 * from that issue's picked.json, as `new`, `pool` and the editor panel know it) passed `check` and
 * `send --strict` without a word, while the same file under its old name is warned about: readers
 * of both issues got the story twice. It is now the same warning, naming the name it was taken as.
 */

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function withRenamedCopy(copyName: string): Promise<TempProject> {
  const made = (await poolProject()).project;
  expect((await runMain(made.dir, ['new', '--week', '2026-W48'])).code).toBe(0);
  const taken = JSON.parse(await readFile(made.path('issues/2026-W48/issue.json'), 'utf8'));
  expect(taken.summaries).toContain('pool:queues');
  await rename(made.path('summaries/queues.txt'), made.path(`summaries/${copyName}`));
  const copyId = copyName.replace(/\.[a-z]+$/, '');
  await made.write(
    'issues/2026-W49/issue.json',
    JSON.stringify({ subject: 'S', date: '2026-12-03', summaries: [`pool:${copyId}`] }),
  );
  return made;
}

describe('an issue holding a renamed copy of a story another issue took', () => {
  it('is warned about by check, naming the issue and the name it was taken as', async () => {
    project = await withRenamedCopy('queues-again.txt');
    const checked = await runMain(project.dir, ['check', 'issues/2026-W49']);
    expect(checked.all).toMatch(
      /2026-W49\/issue\.json: warning: summaries: pool summary "queues-again" tells the story issue 2026-W48 took as "queues"/,
    );
    expect(checked.all).toContain('readers of both issues would read it twice');
  });

  it('is warned about by send before its report, as the same file under its old name is', async () => {
    project = await withRenamedCopy('queues-again.txt');
    const subscribers = project.path('readers.json');
    await writeFile(subscribers, JSON.stringify([{ email: 'a@example.com', roles: ['CTO'] }]));
    const sent = await runMain(project.dir, ['send', 'issues/2026-W49', '--subscribers', subscribers, '--dry-run']);
    expect(sent.all).toContain('pool summary "queues-again" tells the story issue 2026-W48 took as "queues"');
  });

  it('says nothing when the issue that took it is this one', async () => {
    project = await withRenamedCopy('queues-again.txt');
    // Issue 2026-W48 itself now names the copy: no other issue holds the story.
    await project.write(
      'issues/2026-W48/issue.json',
      JSON.stringify({ subject: 'S', date: '2026-11-26', summaries: ['pool:queues-again', 'pool:flags'] }),
    );
    const checked = await runMain(project.dir, ['check', 'issues/2026-W48']);
    expect(checked.all).not.toContain('tells the story');
  });
});
