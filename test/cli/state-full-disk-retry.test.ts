import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { useSmallDisk } from '../helpers/tmpfs.js';

/**
 * `suppress` and `subscribers import` with the state file on a really full disk (a 2 MB tmpfs; fails
 * under CI=true where it cannot be mounted). Their advice was a send's: free space "or fix the I/O
 * error", and run again since "messages recorded as sent are not sent again", which says nothing of
 * what the command did. Each now says to free space on the state file's disk and that nothing of it
 * was written, which the same command run once space is freed shows.
 */

const disk = useSmallDisk('2m');
let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const ADDRESSES = Array.from({ length: 4000 }, (_, i) => `reader.with.a.long.address${i}@example.org`);

const cases: [string, string[], string, (cli: (args: string[]) => ReturnType<typeof runCli>) => Promise<number>][] = [
  [
    'suppress import',
    ['suppress', 'import', 'list.csv'],
    'nothing of it was recorded, as an import is recorded whole or not at all',
    async (cli) => (JSON.parse((await cli(['suppress', 'list', '--json'])).stdout) as unknown[]).length,
  ],
  [
    'subscribers import',
    ['subscribers', 'import', 'readers.json'],
    'nothing of the file was stored, as an import is stored whole or not at all',
    async (cli) => (JSON.parse((await cli(['subscribers', 'list', '--json'])).stdout) as unknown[]).length,
  ],
];

describe('suppress and subscribers import on a full disk', () => {
  it.skipIf(!disk.dir && process.env.CI !== 'true').each(cases)(
    '%s says to free space on the state file’s disk and that nothing of it was written',
    async (_, args, nothing, count) => {
      expect(disk.dir, 'mounting a small tmpfs needs root on Linux (mount -t tmpfs)').toBeDefined();
      project = await tempProject({ withExample: true });
      const state = join(mkdtempSync(join(disk.dir!, 'state-')), 'state.db');
      const cli = (a: string[]) => runCli([...a, '--state', state], { cwd: project!.dir });
      await project.write('list.csv', `email\n${ADDRESSES.join('\n')}\n`);
      await project.write(
        'readers.json',
        JSON.stringify({ subscribers: ADDRESSES.map((email) => ({ email, roles: ['CTO'], name: 'A Reader' })) }),
      );
      expect((await cli(['suppress', 'add', 'first@example.org'])).code).toBe(0);
      const before = await count(cli);
      // Room for the state file's log to start, not for the import.
      disk.fill(60_000);

      const full = await cli(args);
      expect(full.code, full.stderr).toBe(3);
      expect(full.stderr).toContain(`the state file ${state} could not be written: database or disk is full`);
      expect(full.stderr).toContain(`free space on its disk and run the same command again: ${nothing}`);
      expect(full.stderr).not.toContain('messages recorded as sent');
      expect(full.stderr).not.toContain('I/O error');
      expect(full.stderr).not.toMatch(/this is a bug|\n\s+at /);

      disk.free();
      expect(await count(cli)).toBe(before);
      const again = await cli(args);
      expect(again.code, again.stderr).toBe(0);
      expect(await count(cli)).toBe(before + ADDRESSES.length);
    },
  );
});
