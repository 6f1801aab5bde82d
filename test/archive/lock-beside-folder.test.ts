import { spawnSync } from 'node:child_process';
import { readdir, symlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { lockFolder } from '../../src/archive/folder-lock.js';
import { buildArchive } from '../../src/archive/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * The folder a build writes is the one a web server publishes. The build's lock names its pid,
 * host and start time: kept beside the folder, it is never among the files served.
 */

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const NOW = () => new Date('2026-12-05T12:00:00Z');

describe('the lock of an archive build', () => {
  it('is held beside the published folder, never in it, whatever way the folder is named', async () => {
    project = await tempProject({ withExample: true });
    const lock = await lockFolder(project.path('site'), project.dir);
    expect(await readdir(project.path('site'))).toEqual([]);
    expect(await readdir(project.dir)).toContain('.site.rolecast-build.lock');

    // Another build into the same folder, named through a link, waits for it.
    await symlink(project.path('site'), project.path('public'));
    await expect(buildArchive({ issuesDir: 'issues', outDir: 'public/', cwd: project.dir, now: NOW })).rejects.toThrow(
      /\.site\.rolecast-build\.lock is held/,
    );
    await lock.release();

    const built = await buildArchive({ issuesDir: 'issues', outDir: 'site', cwd: project.dir, now: NOW });
    expect(built.entries.map((entry) => entry.id)).toEqual(['2026-W48']);
    expect((await readdir(project.path('site'))).filter((name) => name.includes('lock'))).toEqual([]);
    expect(await readdir(project.dir)).not.toContain('.site.rolecast-build.lock');
  }, 60_000);

  it('takes away a lock an earlier release left in the folder when its build no longer runs', async () => {
    project = await tempProject({ withExample: true });
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    await project.write(
      'site/.rolecast-build.lock',
      JSON.stringify({ pid: Number(gone.stdout), host: hostname(), token: 'x', started_at: '2026-12-05T01:00:00Z' }),
    );
    const lock = await lockFolder(project.path('site'), project.dir);
    expect(await readdir(project.path('site'))).toEqual([]);
    await lock.release();
  });
});
