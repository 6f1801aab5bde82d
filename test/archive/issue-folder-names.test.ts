import { cp, readdir, readFile, stat } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { buildArchive } from '../../src/archive/index.js';
import { RolecastError } from '../../src/errors.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * An issue folder named as a file the archive keeps at its top (feed.xml, index.html) or hidden had
 * its pages written where that file goes: the build wrote every page and the index listing it, then
 * stopped on the feed with an error naming a temporary file, and left the site half built.
 */

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const build = (keepGoing = false) =>
  buildArchive({
    issuesDir: 'issues',
    outDir: 'site',
    cwd: project!.dir,
    keepGoing,
    now: () => new Date('2026-12-05T12:00:00Z'),
  });

describe('an issue folder named as a file of the archive', () => {
  it('is refused before anything is written, naming the folder', async () => {
    project = await tempProject({ withExample: true });
    for (const name of ['feed.xml', 'index.html', '.drafts'])
      await cp(project.path('issues/2026-W48'), project.path(`issues/${name}`), { recursive: true });
    const error = await build().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(RolecastError);
    const problems = (error as RolecastError).problems ?? [];
    expect(problems.map((p) => [p.file, p.severity])).toEqual([
      ['issues/.drafts/issue.json', 'error'],
      ['issues/feed.xml/issue.json', 'error'],
      ['issues/index.html/issue.json', 'error'],
    ]);
    expect(problems[1]!.message).toContain('the issue folder "feed.xml" would be published as feed.xml/');
    expect(problems[1]!.hint).toContain('rename the issue folder');
    expect(await readdir(project.path('site')).catch(() => [])).toEqual([]);
  });

  it('is left out with --keep-going, and the feed and index are the files they should be', async () => {
    project = await tempProject({ withExample: true });
    await cp(project.path('issues/2026-W48'), project.path('issues/feed.xml'), { recursive: true });
    const result = await build(true);
    expect(result.entries.map((entry) => entry.id)).toEqual(['2026-W48']);
    expect(result.skipped.map((s) => [s.dir.split('/').pop(), s.reason])).toEqual([['feed.xml', 'broken']]);
    expect((await stat(project.path('site/feed.xml'))).isFile()).toBe(true);
    expect(await readFile(project.path('site/feed.xml'), 'utf8')).toContain(
      '<feed xmlns="http://www.w3.org/2005/Atom"',
    );
  });
});
