import { spawnSync } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildArchive } from '../../src/archive/index.js';
import { RolecastError } from '../../src/errors.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const NOW = () => new Date('2026-12-05T12:00:00Z');
/** Where earlier releases kept the lock: inside the folder, where it is still honoured. */
const LOCK = 'site/.rolecast-build.lock';

/** The example project, with a second issues folder that also holds W47: a different set of pages. */
async function twoIssueFolders(): Promise<TempProject> {
  const made = await tempProject({ withExample: true });
  const manifest = JSON.parse(await readFile(made.path('issues/2026-W48/issue.json'), 'utf8'));
  await made.write(
    'other/2026-W47/issue.json',
    JSON.stringify({
      ...manifest,
      date: '2026-11-19',
      summaries: manifest.summaries.map((s: string) => `../../issues/2026-W48/${s}`),
    }),
  );
  return made;
}

/** Every `index.html` under the site, relative to it. */
async function pagesOnDisk(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name === 'index.html')
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('one archive build at a time per output folder', () => {
  it('refuses a second build while one runs, naming the holder, and leaves no page unlisted', async () => {
    project = await twoIssueFolders();
    // The second starts once the first holds the lock, its row written: started together, either
    // could take it first, or find the other's lock file created and not yet written.
    const building = buildArchive({ issuesDir: 'other', outDir: 'site', cwd: project.dir, now: NOW });
    let done = false;
    building.finally(() => {
      done = true;
    });
    const lockFile = project.path('.site.rolecast-build.lock');
    while (!done && !(await readFile(lockFile, 'utf8').catch(() => '')).endsWith('\n'))
      await new Promise((resolve) => setTimeout(resolve, 1));
    expect(done, 'the first build ended before its lock was seen').toBe(false);
    const [first, second] = await Promise.allSettled([
      building,
      buildArchive({ issuesDir: 'issues', outDir: 'site', cwd: project.dir, now: NOW }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    const error = (second as PromiseRejectedResult).reason as RolecastError;
    expect(error).toBeInstanceOf(RolecastError);
    expect(error.code).toBe('E_LOCKED');
    expect(error.message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect(error.message).toContain('.site.rolecast-build.lock is held');
    // Every page on disk is one the list names, so a later build can take it down.
    const listed = JSON.parse(await readFile(project.path('site/.rolecast-published.json'), 'utf8')).files;
    expect(listed).toEqual(expect.arrayContaining(await pagesOnDisk(project.path('site'))));
    // Released when done: the next build runs, and takes W47 down.
    const next = await buildArchive({ issuesDir: 'issues', outDir: 'site', cwd: project.dir, now: NOW });
    expect(next.withdrawn).toContain('2026-W47/index.html');
    expect(await readdir(project.path('site'))).not.toContain('.rolecast-build.lock');
  }, 60_000);

  it('takes over the lock of a build on this host that no longer runs', async () => {
    project = await twoIssueFolders();
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await project.write(
      LOCK,
      JSON.stringify({ pid: Number(gone.stdout), host: hostname(), token: 'x', started_at: '2026-12-05T01:00:00Z' }),
    );
    const built = await buildArchive({ issuesDir: 'issues', outDir: 'site', cwd: project.dir, now: NOW });
    expect(built.entries.map((e) => e.id)).toEqual(['2026-W48']);
    expect(await readdir(project.path('site'))).not.toContain('.rolecast-build.lock');
  }, 60_000);

  it('refuses a lock held on another host, saying which file to delete if that build is gone; and releases its own after a failed build', async () => {
    project = await twoIssueFolders();
    const held = JSON.stringify({ pid: 4242, host: 'builder-2', token: 'y', started_at: '2026-12-05T01:00:00Z' });
    await project.write(LOCK, held);
    const refused = await buildArchive({ issuesDir: 'issues', outDir: 'site', cwd: project.dir, now: NOW }).catch(
      (error: RolecastError) => error,
    );
    expect(refused).toBeInstanceOf(RolecastError);
    expect((refused as RolecastError).message).toContain('pid 4242 on builder-2');
    expect((refused as RolecastError).hint).toContain('delete site/.rolecast-build.lock');
    expect(await readFile(project.path(LOCK), 'utf8')).toBe(held);
    expect(await readdir(project.path('site'))).toEqual(['.rolecast-build.lock']);

    await project.write(LOCK, '');
    await expect(buildArchive({ issuesDir: 'issues', outDir: 'site', cwd: project.dir, now: NOW })).rejects.toThrow(
      /does not say who/,
    );

    await project.write('issues/2026-W48/issue.json', '{');
    await rm(project.path(LOCK));
    await expect(buildArchive({ issuesDir: 'issues', outDir: 'site', cwd: project.dir, now: NOW })).rejects.toThrow();
    expect(await readdir(project.path('site'))).not.toContain('.rolecast-build.lock');
  }, 60_000);
});
