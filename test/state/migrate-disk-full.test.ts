import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateStateData } from '../../src/state/migrate/index.js';
import { runCli } from '../helpers/cli.js';
import { openFilesUnder } from '../helpers/open-files.js';
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
// Room for more than SQLite holds of a transaction in memory (16 MB), so the copy's writes reach the
// disk, and fail, while the source still has rows to give.
const roomier = useSmallDisk('8m');
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

  it.skipIf(!roomier.dir && process.env.CI !== 'true')(
    'closes the source file when the copy fails half-way, so it can be checkpointed and written at once',
    async () => {
      expect(roomier.dir, 'mounting a small tmpfs needs root on Linux (mount -t tmpfs)').toBeDefined();
      project = await tempProject({ withExample: true });
      mkdirSync(project.path('.rolecast'));
      const source = project.path('.rolecast/state.db');
      // 8,000 rows of about 3 KB, read in pages of 2,000: the disk fills during the third.
      realStateFile(source, 8000, `250 ${'queued '.repeat(430)}`);
      const target = join(roomier.dir!, 'state.db');

      await expect(
        migrateStateData({ from: { kind: 'sqlite', file: source }, to: { kind: 'sqlite', file: target } }),
      ).rejects.toThrow(`the state file ${target} could not be written: database or disk is full`);

      expect(openFilesUnder(source)).toEqual([]);
      const db = new Database(source);
      try {
        // A reader left open on the source keeps its log from being emptied.
        const checkpoint = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
        expect(checkpoint[0]?.busy).toBe(0);
        expect(db.prepare('SELECT COUNT(*) FROM deliveries').pluck().get()).toBe(8000);
      } finally {
        db.close();
      }
    },
  );
});
