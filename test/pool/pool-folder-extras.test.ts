import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A pool folder kept in a notes app or a repository holds more than summaries: a README.md saying
 * what the folder is for, an editor's backup (`focus.md~`), a `drafts/` folder. The README was read
 * as a broken summary, so `pool` and `new` exited 2 every week. Such files are now left out with a
 * note naming them, and a drafts folder is told how the pool holds a draft back.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const EXTRAS = {
  'summaries/README.md': '# Our pool\n\nWrite one summary per file here.\n',
  'summaries/focus.md~': '---\ntitle: Focus (old)\n---\n\nAn older copy.\n',
  'summaries/#queues.txt#': 'Queues\n',
  'summaries/.DS_Store': 'binary',
  'summaries/.obsidian/app.json': '{}',
  'summaries/drafts/later.md': '---\ntitle: Later\nroles: [CTO]\n---\n\nNot yet.\n',
};

describe('files in the pool folder that are not summaries', () => {
  it('pool notes the read-me and backups, reads the rest, and exits 0', async () => {
    project = (await poolProject(EXTRAS)).project;
    const listed = await runMain(project.dir, ['pool']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(
      "not summaries, so not read: summaries/#queues.txt# (an editor's backup copy), summaries/README.md (the folder's read-me), summaries/focus.md~ (an editor's backup copy)",
    );
    expect(listed.out).toMatch(/4 summaries \(3 ready, 1 draft/);
    expect(listed.err).not.toMatch(/README|focus\.md~|obsidian|DS_Store/);
    expect(listed.err).toMatch(
      /summaries\/drafts\/: warning: is a folder in the pool, which is read flat: its files are not pool summaries — keep a draft in the pool folder itself with "status: draft"/,
    );

    const json = JSON.parse((await runMain(project.dir, ['pool', '--json'])).out);
    expect(json.skipped).toContainEqual({ file: 'summaries/README.md', what: "the folder's read-me" });
    expect(json.problems).toHaveLength(1);
    expect(json.problems[0].file).toMatch(/summaries\/drafts\/$/);
  });

  it('new picks from the pool without an error for the read-me', async () => {
    project = (await poolProject(EXTRAS)).project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.err).not.toContain('README');
    expect(created.code).toBe(0);
  });
});
