import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { realpath, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { folderLockFile, lockFolder } from '../../src/archive/folder-lock.js';
import type { RolecastError } from '../../src/errors.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A stale lock is taken over under a marker its takers make one at a time. A run killed in the
 * few milliseconds it holds that marker leaves it behind: the lock a gone build left is then
 * refused at once with the files to delete. The lock an earlier release kept inside the folder was
 * refused as "another build is writing this folder", waiting for a build that no longer runs.
 */

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

function goneBuild(): string {
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const row = { pid: Number(gone.stdout), host: hostname(), token: 'left', started_at: '2026-12-05T01:00:00Z' };
  return JSON.stringify(row);
}

const markerOf = (file: string, text: string) =>
  `${file}.${createHash('sha256').update(text).digest('hex').slice(0, 16)}.taking`;

describe('a lock whose taker was killed while taking it over', () => {
  it.each([
    [
      'kept beside the folder',
      async (p: TempProject) => folderLockFile(await realpath(p.path('site'))),
      '.site.rolecast-build.lock',
    ],
    [
      'an earlier release kept inside the folder',
      async (p: TempProject) => `${await realpath(p.path('site'))}/.rolecast-build.lock`,
      'site/.rolecast-build.lock',
    ],
  ])(
    '%s: refused as left by a gone build, naming both files; once they are deleted the build goes ahead',
    async (_where, lockOf, shown) => {
      project = await tempProject();
      await project.write('site/index.html', '<p>published</p>');
      const text = goneBuild();
      const file = await lockOf(project);
      const marker = markerOf(file, text);
      await project.write(file.slice(project.dir.length + 1), text);
      await project.write(marker.slice(project.dir.length + 1), '');
      const refused = await lockFolder(project.path('site'), project.dir).then(
        async (lock) => {
          await lock.release();
          return undefined;
        },
        (error: RolecastError) => error,
      );
      expect(refused).toMatchObject({ code: 'E_LOCKED' });
      expect(refused?.message).toMatch(
        new RegExp(
          `^a build that is gone \\(pid \\d+ on .*\\) left ${shown.replaceAll('.', '\\.')}, which could not be taken over: `,
        ),
      );
      expect(refused?.message).toContain(
        `${marker.split('/').at(-1)} beside it was left by a run killed taking it over: delete that too`,
      );
      expect(refused?.message).not.toContain('another build is writing');
      expect(refused?.hint).toBe(`nothing was written; delete ${shown} and run the command again`);
      await rm(file);
      await rm(marker);
      const lock = await lockFolder(project.path('site'), project.dir);
      await lock.release();
    },
    60_000,
  );
});
