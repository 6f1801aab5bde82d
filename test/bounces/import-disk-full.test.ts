import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hardBounceMbox } from '../helpers/bounces.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, type TempProject, tempProject } from '../helpers/project.js';
import { useSmallDisk } from '../helpers/tmpfs.js';

/**
 * `rolecast bounces import` with the state file on a really full disk (a 2 MB tmpfs, as in
 * disk-full-tmpfs.test.ts; fails under CI=true where it cannot be mounted): the state file takes no
 * writes, and the unsubscribe journal beside it, where such an import's suppressions go, takes none
 * either. The import must fail naming both files, and the same import once space is freed records
 * every reader.
 */

const disk = useSmallDisk('2m');
const READERS = Array.from({ length: 80 }, (_, i) => `gone.reader${i}@example.org`);
let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('bounces import on a full disk', () => {
  it.skipIf(!disk.dir && process.env.CI !== 'true')(
    'exits 3 naming the state file and the journal that could not be written; once space is freed the same import records every reader',
    async () => {
      expect(disk.dir, 'mounting a small tmpfs needs root on Linux (mount -t tmpfs)').toBeDefined();
      project = await tempProject({ withExample: true });
      // A folder of its own each time: a retry at the same path would be refused as a state file lost.
      const state = join(mkdtempSync(join(disk.dir!, 'state-')), 'state.db');
      const journal = `${state}.unsubscribe-journal`;
      const cli = (args: string[]) => runCli([...args, '--state', state], { cwd: project!.dir });
      // The bounce table exists already, as after any earlier import.
      await project.write('first.eml', readFileSync(join(REPO_ROOT, 'test/bounces/fixtures/postfix-hard.eml')));
      expect((await cli(['bounces', 'import', 'first.eml'])).code).toBe(0);
      await project.write('bounces.mbox', hardBounceMbox(READERS));
      // Room for the state file's log to start, not for the import.
      disk.fill(48_000);

      const full = await cli(['bounces', 'import', 'bounces.mbox']);
      expect(full.code, full.stderr).toBe(3);
      expect(full.stderr).toContain(`rolecast bounces: the state file ${state} took no writes (`);
      expect(full.stderr).toContain(
        `and the unsubscribe journal ${journal} beside it could not be written either: ENOSPC`,
      );
      expect(full.stderr).toContain('keep the mailbox until it succeeds');
      expect(full.stderr).not.toMatch(/this is a bug|\n\s+at /);

      disk.free();
      const again = await cli(['bounces', 'import', 'bounces.mbox']);
      expect(again.code, again.stderr).toBe(0);
      const listed = await cli(['suppress', 'list', '--json']);
      const suppressed = new Set((JSON.parse(listed.stdout) as { email: string }[]).map((e) => e.email));
      expect(READERS.filter((email) => !suppressed.has(email))).toEqual([]);
    },
  );
});
