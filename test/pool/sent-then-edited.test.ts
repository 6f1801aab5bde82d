import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { perTest } from '../helpers/per-test.js';
import { runMain, type TempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { POOL_FILES, poolProject } from './_fixture.js';

/**
 * A pool summary edited after its issue was sent: readers had the text as it was, while build, the
 * preview and the archive showed the new one, and nothing said the published issue no longer
 * matched what was mailed. check (and every command that loads the issue) now names the summary
 * file and the fields changed, from the copy the send recorded in picked.json.
 */

const opened = perTest<{ smtp: TestSmtpServer; project: TempProject }>(['smtp', 'project']);

const READERS = JSON.stringify([{ email: 'ana@example.com', roles: ['CTO', 'Executive'] }]);
const QUEUES = POOL_FILES['summaries/queues.txt']!;

/** The week's issue made by new and sent (to a real SMTP server, or only tried out to the outbox). */
async function sentIssue(to: 'smtp' | 'outbox'): Promise<TempProject> {
  const project = (await poolProject({ 'subscribers.json': READERS })).project;
  opened.project = project;
  expect((await runMain(project.dir, ['new', '--week', '2026-W48'])).code).toBe(0);
  const smtp = await startSmtpServer();
  opened.smtp = smtp;
  const send = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'];
  const sent =
    to === 'smtp'
      ? await runMain(project.dir, send, { SMTP_URL: smtp.url() })
      : await runMain(project.dir, [...send, '--outbox', 'outbox']);
  expect(sent.code, sent.all).toBe(0);
  return project;
}

const check = (p: TempProject) => runMain(p.dir, ['check', 'issues/2026-W48', '--strict']);

describe('a pool summary edited after its issue was sent', () => {
  it('is named by check with the fields changed and the title it was sent under', async () => {
    const p = await sentIssue('smtp');
    expect((await opened.smtp!.messages()).length).toBe(1);
    expect((await check(p)).all).not.toContain('changed since');
    await writeFile(
      p.path('summaries/queues.txt'),
      QUEUES.replace('Queues\n', 'Queues, Revisited\n').replace('absorb bursts', 'hide latency'),
    );
    const after = await check(p);
    expect(after.code).toBe(2);
    expect(after.all).toContain(
      'summaries/queues.txt: warning: title, summary: changed since issue 2026-W48 was sent (sent as "Queues"): its readers got the copy as it was, while build, the preview and rolecast archive show it as it is now',
    );
    expect(after.all).toContain('undo the edit to keep 2026-W48 as sent');
    // The other pool summaries the issue sent are as they were: not named.
    expect(after.all).not.toMatch(/flags\.json: warning: .*changed since/);
    // The archive, which publishes the issue from the files as they are now, says so as it builds.
    const archive = await runMain(p.dir, ['archive', '--out', 'site']);
    expect(archive.all).toContain(
      'summaries/queues.txt: warning: title, summary: changed since issue 2026-W48 was sent',
    );
  });

  it('names a changed role, but not a role written another way (an alias) nor spacing and case', async () => {
    const p = await sentIssue('smtp');
    await writeFile(
      p.path('summaries/queues.txt'),
      QUEUES.replace('Best for: CTO, CEO', 'Best for: CTO, Executive').replace('absorb bursts', 'ABSORB   bursts'),
    );
    expect((await check(p)).all).not.toContain('changed since');
    await writeFile(p.path('summaries/queues.txt'), QUEUES.replace('Best for: CTO, CEO', 'Best for: CTO'));
    expect((await check(p)).all).toContain('summaries/queues.txt: warning: roles: changed since issue 2026-W48');
  });

  it('names the text as a whole from a record a send wrote before fields were told apart', async () => {
    const p = await sentIssue('smtp');
    const record = p.path('issues/2026-W48/picked.json');
    const picked = JSON.parse(await readFile(record, 'utf8')) as { stories: Record<string, unknown>[] };
    expect(picked.stories.every((story) => story.fields !== undefined)).toBe(true);
    for (const story of picked.stories) delete story.fields;
    await writeFile(record, JSON.stringify(picked, null, 2));
    expect((await check(p)).all).not.toContain('changed since');
    await writeFile(p.path('summaries/queues.txt'), QUEUES.replace('absorb bursts', 'hide latency'));
    expect((await check(p)).all).toContain('summaries/queues.txt: warning: text: changed since issue 2026-W48');
  });

  it('is still named after the send runs again, for a reader added since, who gets the copy as it is now', async () => {
    const p = await sentIssue('smtp');
    await writeFile(p.path('summaries/queues.txt'), QUEUES.replace('absorb bursts', 'hide latency'));
    const readers = [...JSON.parse(READERS), { email: 'ben@example.com', roles: ['CTO'] }];
    await writeFile(p.path('subscribers.json'), JSON.stringify(readers));
    const again = await runMain(p.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'], {
      SMTP_URL: opened.smtp!.url(),
    });
    expect(again.code, again.all).toBe(0);
    expect((await opened.smtp!.messages()).length).toBe(2);
    // Ana had the copy as it was: the record keeps it, so the edit is still named.
    expect((await check(p)).all).toContain('summaries/queues.txt: warning: summary: changed since issue 2026-W48');
  });

  it('names an edited source or topics, which readers see on the card', async () => {
    const p = await sentIssue('smtp');
    const flags = JSON.parse(POOL_FILES['summaries/flags.json']!) as Record<string, unknown>;
    await writeFile(
      p.path('summaries/flags.json'),
      JSON.stringify({ ...flags, source: 'Other Site', topics: ['Ops'] }),
    );
    expect((await check(p)).all).toContain(
      'summaries/flags.json: warning: source, topics: changed since issue 2026-W48',
    );
  });

  it('is not named for an issue only tried out to the outbox: no reader had it', async () => {
    const p = await sentIssue('outbox');
    await writeFile(p.path('summaries/queues.txt'), QUEUES.replace('absorb bursts', 'hide latency'));
    expect((await check(p)).all).not.toContain('changed since');
  });
});
