import { readdir, readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { buildArchive } from '../../src/archive/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

const NOW = () => new Date('2026-12-05T12:00:00Z');

/** The example project with a second issue, W47, whose manifest the test writes. */
async function withSecondIssue(write: (manifest: Record<string, unknown>) => string): Promise<TempProject> {
  const made = await tempProject({ withExample: true });
  const manifest = JSON.parse(await readFile(made.path('issues/2026-W48/issue.json'), 'utf8'));
  await made.write(
    'issues/2026-W47/issue.json',
    write({
      ...manifest,
      date: '2026-11-19',
      title: 'Embargoed draft',
      summaries: manifest.summaries.map((s: string) => `../2026-W48/${s}`),
    }),
  );
  return made;
}

describe('what the archive must not publish', () => {
  it('leaves out a draft whose issue.json starts with a byte order mark', async () => {
    // Editors on Windows save UTF-8 with a BOM; the issue loads all the same, so it must stay a draft.
    project = await withSecondIssue((m) => `\uFEFF${JSON.stringify({ ...m, draft: true }, null, 2)}`);
    const result = await buildArchive({ issuesDir: 'issues', outDir: 'site', cwd: project.dir, now: NOW });
    expect(result.entries.map((e) => e.id)).toEqual(['2026-W48']);
    expect(result.skipped.map((s) => s.reason)).toEqual(['draft']);
    expect(await readdir(project.path('site'))).not.toContain('2026-W47');
    expect(await readFile(project.path('site/index.html'), 'utf8')).not.toContain('Embargoed draft');
  });
});
