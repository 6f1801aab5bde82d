import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, describePostgres } from '../helpers/postgres.js';
import { runMain, type TempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { poolProject } from './_fixture.js';

/**
 * A pool summary an issue sent counted as used only while that issue's issue.json named it. Taken
 * out of a sent issue afterwards (excluded in the preview's editor panel, or the file edited for the
 * archive), it was offered again as unused, and the next `new` picked it: its readers got the story
 * twice. A send records what it sent in picked.json, and that record now keeps the story used, once
 * readers had it: a trial to the outbox, or a send whose every message the server refused, reached
 * nobody and leaves the story free for a later issue.
 */

let project: TempProject | undefined;
let smtp: TestSmtpServer | undefined;
let database: { url: string; drop(): Promise<void> } | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
  await database?.drop();
  database = undefined;
  await project?.cleanup();
});

const READERS = JSON.stringify([{ email: 'ana@example.com', roles: ['CTO', 'Executive'] }]);

/** Sends the new issue (`to`: an SMTP server's URL, or the outbox), then takes pool:queues out of it. */
async function sentThenTakenOut(
  to: { smtp: TestSmtpServer } | 'outbox',
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<{ project: TempProject; code: number }> {
  const made = await poolProject({ 'subscribers.json': READERS });
  project = made.project;
  expect((await runMain(project.dir, ['new', '--week', '2026-W48'])).code).toBe(0);
  const where = to === 'outbox' ? ['--outbox', 'outbox'] : [];
  const sent = await runMain(
    project.dir,
    ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', ...where, ...extra],
    to === 'outbox' ? env : { SMTP_URL: to.smtp.url(), ...env },
  );
  const file = project.path('issues/2026-W48/issue.json');
  const issue = JSON.parse(await readFile(file, 'utf8'));
  expect(issue.summaries).toContain('pool:queues');
  issue.summaries = issue.summaries.filter((ref: string) => ref !== 'pool:queues');
  await writeFile(file, JSON.stringify(issue, null, 2));
  await writeFile(
    project.path('summaries/fresh.md'),
    '---\ntitle: Fresh\ndate: 2026-12-01\nroles: [CTO]\n---\n\nSomething new.\n',
  );
  return { project, code: sent.code };
}

async function stillUsed(p: TempProject): Promise<void> {
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
}

async function offeredAgain(p: TempProject): Promise<void> {
  const picked = await readFile(p.path('issues/2026-W48/picked.json'), 'utf8');
  expect(picked).not.toContain('"sent"');
  const next = await runMain(p.dir, ['new', '--week', '2026-W49']);
  expect(next.code, next.out).toBe(0);
  const issue = JSON.parse(await readFile(p.path('issues/2026-W49/issue.json'), 'utf8'));
  expect(issue.summaries).toContain('pool:queues');
}

describe('a pool summary taken out of an issue after it was sent', () => {
  it('stays used by that issue: new does not pick it again, pool shows where it went, check warns', async () => {
    smtp = await startSmtpServer();
    const { project: p, code } = await sentThenTakenOut({ smtp });
    expect(code).toBe(0);
    expect(smtp.counts.accepted).toBe(1);
    await stillUsed(p);
  });

  it('is offered again when the issue was only tried out (a dry run sends nothing)', async () => {
    smtp = await startSmtpServer();
    const { project: p, code } = await sentThenTakenOut({ smtp }, ['--dry-run']);
    expect(code).toBe(0);
    await offeredAgain(p);
  });

  it('is offered again when the issue only went to the outbox (a trial reaches nobody)', async () => {
    const { project: p, code } = await sentThenTakenOut('outbox');
    expect(code).toBe(0);
    await offeredAgain(p);
  });

  it('is offered again when the server refused every message of the send', async () => {
    smtp = await startSmtpServer({ faults: { rejectAddresses: ['ana@example.com'] } });
    const { project: p, code } = await sentThenTakenOut({ smtp });
    expect(code).not.toBe(0);
    expect(smtp.counts.accepted).toBe(0);
    await offeredAgain(p);
  });
});

describePostgres('a pool summary taken out of an issue sent by PostgreSQL workers', () => {
  it('stays used once a worker’s message was accepted', async () => {
    database = await createDatabase('sent_taken_out');
    smtp = await startSmtpServer();
    const { project: p, code } = await sentThenTakenOut({ smtp }, [], { DATABASE_URL: database.url });
    expect(code).toBe(0);
    expect(smtp.counts.accepted).toBe(1);
    await stillUsed(p);
  });

  it('is offered again when the server refused every message a worker sent', async () => {
    database = await createDatabase('sent_taken_out');
    smtp = await startSmtpServer({ faults: { rejectAddresses: ['ana@example.com'] } });
    const { project: p, code } = await sentThenTakenOut({ smtp }, [], { DATABASE_URL: database.url });
    expect(code).not.toBe(0);
    expect(smtp.counts.accepted).toBe(0);
    await offeredAgain(p);
  });
});
