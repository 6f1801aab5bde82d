import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildArchive } from '../../src/archive/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * The archive renders every page for nobody, so it has no use for the readers. Reading them from a
 * database that cannot be reached stopped the build even of issues sent long ago.
 */

let project: TempProject | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await project?.cleanup();
  project = undefined;
});

describe('an archive build where the readers database cannot be reached', () => {
  it('publishes the past issues without reading any reader', async () => {
    project = await tempProject({ withExample: true });
    // Nothing listens on port 1: any attempt to read the readers there fails.
    vi.stubEnv('DATABASE_URL', 'postgres://rolecast@127.0.0.1:1/readers');
    const result = await buildArchive({
      issuesDir: 'issues',
      outDir: 'site',
      cwd: project.dir,
      now: () => new Date('2026-12-05T12:00:00Z'),
    });
    expect(result.problems).toEqual([]);
    expect(result.entries.map((entry) => entry.id)).toEqual(['2026-W48']);
    expect(await readFile(project.path('site/2026-W48/index.html'), 'utf8')).toContain('Hi there');
  });
});
