import { readFile, rename, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { poolProject } from './_fixture.js';

/**
 * picked.json kept only what `new` picked. A pool summary the editor added to the issue by hand was
 * in no record, so once its file was renamed in the pool, next week's `new` took the renamed copy
 * for a new story and its readers got it twice. A send that goes ahead now records every pool
 * summary the issue sends, as it is sent; a dry run records nothing.
 */

let project: TempProject | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
  await project?.cleanup();
});

const HAND = JSON.stringify({
  title: 'Hiring Your First Platform Engineer',
  summary: 'Hire for the platform you will have in a year.',
  roles: ['CTO'],
  url: 'https://example.org/first-platform-engineer',
  date: '2026-11-26',
});
const READERS = JSON.stringify([{ email: 'ana@example.com', roles: ['CTO', 'Executive'] }]);

async function weekWithHandAddedSummary(): Promise<TempProject> {
  const made = await poolProject({ 'subscribers.json': READERS });
  project = made.project;
  expect((await runMain(project.dir, ['new', '--week', '2026-W48'])).code).toBe(0);
  await writeFile(project.path('summaries/first-platform-engineer.json'), HAND);
  const file = project.path('issues/2026-W48/issue.json');
  const issue = JSON.parse(await readFile(file, 'utf8'));
  issue.summaries.push('pool:first-platform-engineer');
  await writeFile(file, JSON.stringify(issue, null, 2));
  return project;
}

// To a real server: a trial to the outbox reaches nobody and records nothing.
const send = async (p: TempProject, ...more: string[]) => {
  smtp ??= await startSmtpServer();
  return runMain(p.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', ...more], {
    SMTP_URL: smtp.url(),
  });
};

describe('a pool summary added to an issue by hand', () => {
  it('is recorded when the issue is sent, so its renamed copy is not picked next week', async () => {
    const p = await weekWithHandAddedSummary();
    const sent = await send(p);
    expect(sent.code).toBe(0);
    const record = JSON.parse(await readFile(p.path('issues/2026-W48/picked.json'), 'utf8'));
    expect(record.stories.map((s: { id: string }) => s.id).sort()).toEqual([
      'first-platform-engineer',
      'flags',
      'focus',
      'queues',
    ]);
    await rename(p.path('summaries/first-platform-engineer.json'), p.path('summaries/platform-hire.json'));
    await writeFile(
      p.path('summaries/fresh.md'),
      '---\ntitle: Fresh\ndate: 2026-12-01\nroles: [CTO]\n---\n\nSomething new.\n',
    );
    const next = await runMain(p.dir, ['new', '--week', '2026-W49']);
    expect(next.code).toBe(0);
    const issue = JSON.parse(await readFile(p.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries).toEqual(['pool:fresh']);
    expect(next.out).toContain(
      'summaries/platform-hire.json: has the same text as "first-platform-engineer" (in issue 2026-W48, whose file is no longer in the pool',
    );
  });

  it('is not recorded by a dry run, which sends nothing', async () => {
    const p = await weekWithHandAddedSummary();
    expect((await send(p, '--dry-run')).code).toBe(0);
    const record = JSON.parse(await readFile(p.path('issues/2026-W48/picked.json'), 'utf8'));
    expect(record.stories.map((s: { id: string }) => s.id)).not.toContain('first-platform-engineer');
  });
});
