import { cp, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { captureStreams, REPO_ROOT, type TempProject, tempProject } from '../helpers/project.js';

/** A copy of the example project, with its example pool in `issues/_pool`. */
let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  await cp(join(REPO_ROOT, 'issues/_pool'), project.path('issues/_pool'), { recursive: true });
});
afterEach(() => project.cleanup());

const manifest = async (week: string) =>
  JSON.parse(await readFile(project.path('issues', week, 'issue.json'), 'utf8')) as Record<string, unknown>;

/** The CLI in process, for the cases that only need its messages and exit code. */
async function inProcess(args: string[]) {
  const io = captureStreams();
  const code = await main(args, { cwd: project.dir, env: {}, ...io, signal: new AbortController().signal });
  return { code, stdout: io.out, stderr: io.err };
}

describe('rolecast new and rolecast pool', () => {
  it('creates next week from ready, unused pool summaries, then lists the pool with their use', async () => {
    const result = await runCli(['new'], { cwd: project.dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const created = await manifest('2026-W49');
    expect(created.summaries).toEqual([
      'pool:queues-are-not-a-backlog',
      'pool:retire-a-feature-flag',
      'pool:one-metric-per-team',
      'pool:the-quiet-cost-of-context-switching',
    ]);
    // Subject, title and weekday carry over from 2026-W48 (a Thursday).
    expect(created).toMatchObject({ subject: '{{lead}} · {{weekLabel}}', date: '2026-12-03' });
    expect(result.stdout).toContain('created issues/2026-W49/issue.json: 4 summaries from issues/_pool');
    expect(result.stdout).toMatch(/Engineering Manager\s+3\n/);
    expect(result.stdout).toMatch(/roles with none .*: Director of AI\/ML, .*Security Lead, Designer/);

    // The new issue is valid as written: pool references resolve.
    const check = await inProcess(['check', 'issues/2026-W49']);
    expect(check.stdout).toContain('✓ 2026-W49: 4 summaries');
    expect(check.code).toBe(0);

    const listed = await runCli(['pool', '--json'], { cwd: project.dir });
    expect(listed.code).toBe(0);
    const { entries } = JSON.parse(listed.stdout) as { entries: Record<string, unknown>[] };
    expect(entries.map((e) => [e.id, e.date, e.status, e.usedIn])).toEqual([
      ['data-contracts-at-the-source', '2026-11-28', 'draft', []],
      ['queues-are-not-a-backlog', '2026-11-27', 'ready', ['2026-W49']],
      ['retire-a-feature-flag', '2026-11-25', 'ready', ['2026-W49']],
      ['one-metric-per-team', '2026-11-24', 'ready', ['2026-W49']],
      ['the-quiet-cost-of-context-switching', '2026-11-20', 'ready', ['2026-W49']],
    ]);
    expect(entries[0]).toMatchObject({
      ref: 'pool:data-contracts-at-the-source',
      path: 'issues/_pool/data-contracts-at-the-source.md',
      roles: ['Data Engineer', 'Data Scientist', 'Director of AI/ML'],
    });

    const table = await inProcess(['pool']);
    expect(table.stdout).toContain('issues/_pool: 5 summaries (4 ready, 1 draft; 0 ready and unused)');
    expect(table.stdout).toMatch(/2026-11-27\s+ready\s+queues-are-not-a-backlog\s+2026-W49\s+Software Engineer/);

    // Nothing ready is left unused: the next week is refused rather than filled with repeats.
    const next = await inProcess(['new']);
    expect(next.code).toBe(2);
    expect(next.stderr).toContain('has no ready summary that an earlier issue has not used');
  }, 180_000);

  it('refuses to overwrite an existing issue (exit 2) and leaves it untouched', async () => {
    const first = await runCli(['new', '--week', '2026-W50'], { cwd: project.dir });
    expect(first.code).toBe(0);
    const before = await stat(project.path('issues/2026-W50/issue.json'));
    const again = await inProcess(['new', '--week', '2026-W50']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('issues/2026-W50/issue.json already exists');
    expect((await stat(project.path('issues/2026-W50/issue.json'))).mtimeMs).toBe(before.mtimeMs);
    const example = await inProcess(['new', '--week', '2026-W48']);
    expect(example.code).toBe(2);
    expect(example.stderr).toContain('issues/2026-W48/issue.json already exists');
  }, 120_000);

  it('with no earlier issue, defaults to the subject shape the example uses: the lead story first', async () => {
    await rm(project.path('issues/2026-W48'), { recursive: true, force: true });
    const result = await inProcess(['new', '--week', '2026-W50']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((await manifest('2026-W50')).subject).toBe('{{lead}} · {{weekLabel}}');
  });

  it('rejects a week that is not an ISO week', async () => {
    const result = await inProcess(['new', '--week', '2026-W54']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--week "2026-W54" is not an ISO week: 2026 has 53 ISO weeks');
  });

  it('says how many weeks the year has for a week 53 of a year of 52, across the year end', async () => {
    const result = await inProcess(['new', '--week', '2027-W53']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--week "2027-W53" is not an ISO week: 2027 has 52 ISO weeks');
    const lastOf2026 = await inProcess(['new', '--week', '2026-W53']);
    expect(lastOf2026.stderr).not.toContain('is not an ISO week');
  });

  it('writes the issue without a broken pool file, names the file, and exits 2', async () => {
    await project.write('issues/_pool/broken.json', '{ "title": "Half a summary", ');
    const created = await inProcess(['new', '--week', '2026-W50']);
    expect(created.code).toBe(2);
    expect(created.stderr).toContain('broken.json');
    expect(created.stderr).toMatch(/the issue was written without those files/);
    expect((await manifest('2026-W50')).summaries).not.toContainEqual(expect.stringContaining('broken'));
  });

  it('exits 2 when the pool folder does not exist', async () => {
    const config = await readFile(project.path('rolecast.config.json'), 'utf8');
    await project.write('rolecast.config.json', config.replace('issues/_pool', 'nowhere'));
    const listed = await inProcess(['pool']);
    expect(listed.code).toBe(2);
    expect(listed.stderr).toContain('the pool folder nowhere does not exist');
    const created = await inProcess(['new']);
    expect(created.code).toBe(2);
    expect(created.stderr).toMatch(/the pool \S*nowhere does not exist/);
  });
});
