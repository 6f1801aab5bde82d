import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { lockHolder } from '../helpers/lock-holder.js';
import type { TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * Two `new` runs for different weeks started together each read which pool summaries earlier
 * issues took before the other had written its issue, so both picked the same ones: two issues
 * carried one story, and check, the preview and send only warned "also in issue …". One run at a
 * time now reads, picks and writes; the second sees the first's picks.
 */

/** Two summaries per role, so one week takes one of each and the next week the other. */
const SECOND_PICKS: Record<string, string> = {
  'summaries/caches.json': JSON.stringify({
    title: 'Caches',
    summary: 'Caches hide slow paths.',
    roles: ['CTO'],
    date: '2026-11-18',
  }),
  'summaries/budgets.md': '---\ntitle: Budgets\ndate: 2026-11-17\nroles: [Executive]\n---\n\nPlan the budget.\n',
  'summaries/grids.txt': 'Grids\nDate: 2026-11-16\nSummary\nGrids align work.\nBest for: Designer\n',
  'summaries/palettes.txt': 'Palettes\nDate: 2026-11-15\nSummary\nPalettes set tone.\nBest for: Designer\n',
};

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const picks = async (week: string) =>
  (JSON.parse(await readFile(project!.path('issues', week, 'issue.json'), 'utf8')) as { summaries: string[] })
    .summaries;

describe('new for two weeks at once', () => {
  it('gives no pool summary to both issues', async () => {
    project = (await poolProject(SECOND_PICKS, { perRole: 1 })).project;
    const [first, second] = await Promise.all([
      runCli(['new', '--week', '2026-W50'], { cwd: project.dir, timeoutMs: 240_000 }),
      runCli(['new', '--week', '2026-W51'], { cwd: project.dir, timeoutMs: 240_000 }),
    ]);
    // A run that found the other holding the pool says it waits, and nothing else.
    for (const run of [first, second])
      expect(run.stderr).toMatch(
        /^(|waiting for another rolecast new \(pid \d+ on .*\) to write its issue: issues\/\.rolecast-new\.lock is held\n)$/,
      );
    expect([first.code, second.code]).toEqual([0, 0]);
    const w50 = await picks('2026-W50');
    const w51 = await picks('2026-W51');
    expect(w50.filter((ref) => w51.includes(ref))).toEqual([]);
    // Whichever ran first took the newest for each role; the other the next ones.
    expect([w50, w51].map((refs) => [...refs].sort().join(' ')).sort()).toEqual([
      'pool:flags pool:focus pool:palettes',
      'pool:grids pool:queues',
    ]);
  }, 300_000);
});

describe('the lock new takes', () => {
  it('takes over a lock left by a run killed with SIGKILL', async () => {
    project = (await poolProject()).project;
    const gone = await lockHolder();
    await project.write('issues/.rolecast-new.lock', gone.row);
    gone.child.kill('SIGKILL');
    await gone.exited;
    const created = await runCli(['new', '--week', '2026-W50'], { cwd: project.dir });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(await picks('2026-W50')).toEqual(['pool:queues', 'pool:flags', 'pool:focus']);
    expect(existsSync(project.path('issues/.rolecast-new.lock'))).toBe(false);
  });

  it('waits while a live run holds it, and goes on once that run is gone', async () => {
    project = (await poolProject()).project;
    const live = await lockHolder();
    try {
      await project.write('issues/.rolecast-new.lock', live.row);
      const child = spawn(process.execPath, [CLI, 'new', '--week', '2026-W50'], {
        cwd: project.dir,
        env: { ...process.env, SMTP_URL: '', ROLECAST_SECRET: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      // Its first line, or its end if it never says it waits.
      const waiting = new Promise<unknown>((resolve) => {
        child.stderr.on('data', (chunk) => {
          stderr += chunk;
          if (stderr.includes('\n')) resolve(undefined);
        });
        void exited.then(resolve);
      });
      await waiting;
      expect(stderr).toBe(
        `waiting for another rolecast new (pid ${live.child.pid} on ${hostname()}, started ${live.startedAt}) to write its issue: issues/.rolecast-new.lock is held\n`,
      );
      // Still waiting: nothing is written while the other run holds the pool.
      expect(existsSync(project.path('issues/2026-W50'))).toBe(false);
      live.child.kill('SIGKILL');
      expect(await exited).toBe(0);
      expect(await picks('2026-W50')).toEqual(['pool:queues', 'pool:flags', 'pool:focus']);
    } finally {
      live.child.kill('SIGKILL');
    }
  }, 120_000);
});
