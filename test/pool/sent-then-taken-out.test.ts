import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A pool summary an issue sent counted as used only while that issue's issue.json named it. Taken
 * out of a sent issue afterwards (excluded in the preview's editor panel, or the file edited for the
 * archive), it was offered again as unused, and the next `new` picked it: its readers got the story
 * twice. A send records what it sent in picked.json, and that record now keeps the story used.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const READERS = JSON.stringify([{ email: 'ana@example.com', roles: ['CTO', 'Executive'] }]);

async function sentThenTakenOut(send: string[]): Promise<TempProject> {
  const made = await poolProject({ 'subscribers.json': READERS });
  project = made.project;
  expect((await runMain(project.dir, ['new', '--week', '2026-W48'])).code).toBe(0);
  const sent = await runMain(project.dir, [
    'send',
    'issues/2026-W48',
    '--subscribers',
    'subscribers.json',
    '--outbox',
    'outbox',
    ...send,
  ]);
  expect(sent.code, sent.out).toBe(0);
  const file = project.path('issues/2026-W48/issue.json');
  const issue = JSON.parse(await readFile(file, 'utf8'));
  expect(issue.summaries).toContain('pool:queues');
  issue.summaries = issue.summaries.filter((ref: string) => ref !== 'pool:queues');
  await writeFile(file, JSON.stringify(issue, null, 2));
  await writeFile(
    project.path('summaries/fresh.md'),
    '---\ntitle: Fresh\ndate: 2026-12-01\nroles: [CTO]\n---\n\nSomething new.\n',
  );
  return project;
}

describe('a pool summary taken out of an issue after it was sent', () => {
  it('stays used by that issue: new does not pick it again, pool shows where it went, check warns', async () => {
    const p = await sentThenTakenOut([]);
    const pool = await runMain(p.dir, ['pool', '--json']);
    const entries = JSON.parse(pool.out).entries as { id: string; usedIn: string[] }[];
    expect(entries.find((entry) => entry.id === 'queues')?.usedIn).toEqual(['2026-W48']);
    expect(pool.all).not.toContain('is not in the pool');

    const next = await runMain(p.dir, ['new', '--week', '2026-W49']);
    expect(next.code, next.out).toBe(0);
    const issue = JSON.parse(await readFile(p.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries).toEqual(['pool:fresh']);

    // Put back by hand into next week's issue, it is named as a story readers already had.
    issue.summaries.push('pool:queues');
    await writeFile(p.path('issues/2026-W49/issue.json'), JSON.stringify(issue, null, 2));
    const check = await runMain(p.dir, ['check', 'issues/2026-W49']);
    expect(check.all).toContain('pool summary "queues" is also in issue 2026-W48');
  });

  it('is offered again when the issue was only tried out (a dry run sends nothing)', async () => {
    const p = await sentThenTakenOut(['--dry-run']);
    const next = await runMain(p.dir, ['new', '--week', '2026-W49']);
    expect(next.code, next.out).toBe(0);
    const issue = JSON.parse(await readFile(p.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries).toContain('pool:queues');
  });
});
