import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * `rolecast build --out` and the archive list what they wrote, so the next build takes down what it
 * no longer writes. The list lives in the folder: one tampered with, or copied from another folder,
 * must not get a file someone else put there removed. Only a file still holding what a build wrote
 * there goes.
 */

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const build = () => runMain(project!.dir, ['build', 'issues/2026-W48', '--out', 'out']);

describe('the list of what a build wrote', () => {
  it('never gets a file of the folder removed that no build wrote, and still takes down what one did', async () => {
    project = await tempProject({ withExample: true });
    const first = await build();
    expect(first.code, first.all).toBe(0);
    const list = JSON.parse(await readFile(project.path('out/.rolecast-built.json'), 'utf8'));

    // Someone's own pages beside the build, and a list naming them (without a fingerprint, with a
    // wrong one, and with one of other text), and a variant an earlier build did write.
    await project.write('out/about.html', '<p>About us</p>');
    await project.write('out/notes.txt', 'notes');
    await project.write('out/team.html', '<p>Team</p>');
    await project.write('out/retired-role.html', '<p>an earlier variant</p>');
    await project.write(
      'out/.rolecast-built.json',
      JSON.stringify({
        files: [...list.files, 'about.html', 'notes.txt', 'team.html', 'retired-role.html'],
        sha256: {
          ...list.sha256,
          'notes.txt': ['not a fingerprint'],
          'team.html': [sha256('<p>Other</p>')],
          'retired-role.html': [sha256('<p>an earlier variant</p>')],
        },
      }),
    );

    const second = await build();
    expect(second.code, second.all).toBe(0);
    const files = await readdir(project.path('out'));
    expect(files).toEqual(expect.arrayContaining(['about.html', 'notes.txt', 'team.html']));
    expect(files).not.toContain('retired-role.html');
    expect(second.out).toContain('removed out/retired-role.html: no longer written by this build');
    for (const name of ['about.html', 'notes.txt', 'team.html'])
      expect(second.out).toContain(`left out/${name} in place: no longer written by this build`);
    // Named once: the new list is of this build's files only.
    const next = JSON.parse(await readFile(project.path('out/.rolecast-built.json'), 'utf8'));
    expect(next.files).not.toContain('about.html');
    expect(next.sha256['manifest.json']).toEqual([sha256(await readFile(project.path('out/manifest.json'), 'utf8'))]);
  }, 60_000);
});
