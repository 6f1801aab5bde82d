import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { buildArchive } from '../../src/archive/index.js';
import { writeBusyWeek } from '../helpers/busy-week.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * An email over the clip limit lists its last stories by headline; the archive's page of the
 * issue is a web page no inbox clips, and the place such an email's "Read the whole issue online"
 * leads: it shows every story in full.
 */

let project: TempProject | undefined;

afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

it('shows every story of a week too large for one email in full, with no headline list leading to itself', async () => {
  project = await tempProject({ withExample: true });
  const issueDir = project.path('issues/2026-W48');
  await rm(join(issueDir, 'summaries'), { recursive: true });
  await mkdir(join(issueDir, 'summaries'));
  await writeBusyWeek(issueDir);
  const result = await buildArchive({
    issuesDir: 'issues',
    outDir: 'site',
    cwd: project.dir,
    now: () => new Date('2026-12-05T12:00:00Z'),
  });
  expect(result.entries.map((e) => e.id)).toEqual(['2026-W48']);
  const page = await readFile(project.path('site/2026-W48/index.html'), 'utf8');
  expect(page).not.toContain('more stories in this issue');
  expect(page).not.toContain('Read the whole issue online');
  for (let i = 1; i <= 20; i++) expect(page).toContain(`Why team ${i} rebuilt their evaluation pipeline`);
  // Each story as a full card: its own heading and its takeaway.
  expect(page.match(/<h3\b/g)).toHaveLength(20);
}, 120_000);
