import { readdir, readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

describe('rolecast build --out, run again', () => {
  it('removes the variant files of an earlier build that this one no longer writes, and nothing else', async () => {
    await project.write('out/notes.txt', 'the editor’s own notes');
    await project.write('out/old-report.html', 'written by hand');
    // One reader of CTO and Executive: the variant cto+executive.
    await project.write(
      'readers.json',
      JSON.stringify([{ email: 'both@example.com', name: 'Bo', roles: ['CTO', 'Executive'] }]),
    );
    const first = await runMain(project.dir, [
      'build',
      'issues/2026-W48',
      '--out',
      'out',
      '--subscribers',
      'readers.json',
    ]);
    expect(first.code, first.err).toBe(0);
    expect(await readdir(project.path('out'))).toContain('cto+executive.html');

    // The reader now holds CTO alone: cto+executive is no role set of this list any more.
    await project.write('readers.json', JSON.stringify([{ email: 'both@example.com', name: 'Bo', roles: ['CTO'] }]));
    const second = await runMain(project.dir, [
      'build',
      'issues/2026-W48',
      '--out',
      'out',
      '--subscribers',
      'readers.json',
    ]);
    expect(second.code, second.err).toBe(0);
    const left = await readdir(project.path('out'));
    expect(left).not.toContain('cto+executive.html');
    expect(left).not.toContain('cto+executive.txt');
    expect(left).toEqual(expect.arrayContaining(['cto.html', 'editor.html', 'index.html', 'manifest.json']));
    expect(left).toEqual(expect.arrayContaining(['notes.txt', 'old-report.html']));
    expect(second.out).toContain('removed out/cto+executive.html: no longer written by this build');
    const manifest = JSON.parse(await readFile(project.path('out/manifest.json'), 'utf8'));
    expect(manifest.variants.map((v: { id: string }) => v.id)).toEqual(['editor', 'cto']);
  }, 60_000);
});
