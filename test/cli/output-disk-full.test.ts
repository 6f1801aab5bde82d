import { readdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * `build` and `archive` on a drive that fills up while they write their pages: the write names no
 * file, so each stopped with "this is a bug" and a stack, and `build` left its half-written temp
 * file in the output folder. Each now names the file and the full disk, exits 2 and leaves no temp
 * file. The child's writes of a temp file fail as a full disk fails them.
 */
const FULL_DISK = `
import fs from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
const real = fs.writeFile;
fs.writeFile = async (file, ...rest) => {
  if (String(file).endsWith('.tmp') && !String(file).includes('.lock.')) {
    await real(file, 'half');
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
  }
  return real(file, ...rest);
};
syncBuiltinESMExports();
`;

let project: TempProject;
beforeAll(async () => {
  project = await tempProject({ withExample: true });
  await writeFile(project.path('full-disk.mjs'), FULL_DISK);
});
afterAll(() => project.cleanup());

describe('a full disk while pages are written', () => {
  it.each([
    ['build', ['build', 'issues/2026-W48', '--out', 'out'], 'out'],
    ['archive', ['archive', '--out', 'site'], 'site'],
  ])('%s names the file and the full disk, and leaves no temp file', async (_name, args, out) => {
    const result = await runCli(args, { cwd: project.dir, nodeArgs: ['--import', project.path('full-disk.mjs')] });
    expect(result.stderr).not.toMatch(/this is a bug/);
    expect(result.stderr).toMatch(new RegExp(`${out}[/\\\\]\\S+ could not be written: the disk is full`));
    expect(result.code).toBe(2);
    const left = await readdir(project.path(out), { recursive: true });
    expect(left.filter((name) => String(name).endsWith('.tmp'))).toEqual([]);
  });
});
