import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { useSmallDisk } from '../helpers/tmpfs.js';
import { realStateFile } from '../send/_damage.js';

/**
 * `rolecast state migrate --to FILE` onto a disk with room for a new state file but not for the
 * copy: a really full disk (a 2 MB tmpfs, as in disk-full-tmpfs.test.ts; fails under CI=true where
 * it cannot be mounted). The command must say which file could not be written, and that the disk is
 * full, as every other command does, and a run after space is freed copies everything.
 */

const disk = useSmallDisk('2m');
let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const ROWS = 3000;

function count(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM deliveries').pluck().get() as number;
  } finally {
    db.close();
  }
}

describe('state migrate into a SQLite file on a disk that fills up', () => {
  it.skipIf(!disk.dir && process.env.CI !== 'true')(
    'exits 3 naming the target and the full disk, copies nothing, and copies everything once space is freed',
    async () => {
      expect(disk.dir, 'mounting a small tmpfs needs root on Linux (mount -t tmpfs)').toBeDefined();
      project = await tempProject({ withExample: true });
      mkdirSync(project.path('.rolecast'));
      const source = project.path('.rolecast/state.db');
      realStateFile(source, ROWS);
      const folder = join(disk.dir!, 'copy');
      mkdirSync(folder);
      const target = join(folder, 'state.db');
      // Room for a new state file and its first writes, not for the copy's 3,000 rows.
      disk.fill(400_000);

      const args = ['state', 'migrate', '--from', source, '--to', target];
      const full = await runCli(args, { cwd: project.dir });
      expect(full.code, full.stderr).toBe(3);
      expect(full.stderr).toContain(
        `rolecast state: the state file ${target} could not be written: database or disk is full`,
      );
      expect(full.stderr).toContain('free space on its disk');
      expect(full.stderr).not.toMatch(/a state file could not be used|this is a bug|\n\s+at /);
      expect(count(source)).toBe(ROWS);
      expect(count(target)).toBe(0);

      disk.free();
      const again = await runCli(args, { cwd: project.dir });
      expect(again.code, again.stderr).toBe(0);
      expect(count(target)).toBe(ROWS);
    },
  );
});
