import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadIssue } from '../../src/load/issue.js';
import { parseTaxonomy } from '../../src/roles/taxonomy.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
beforeEach(async () => {
  project = await tempProject();
});
afterEach(() => project.cleanup());

it('an unknown role is spelt as the first summary in issue.json spells it, however fast each file loads', async () => {
  // The first file is large (blank lines, which are allowed), so the small second one is read first.
  const padding = '\n'.repeat(900_000);
  await project.write('issues/2026-W49/s/first.txt', `First\nSummary\nLong.${padding}\nBest for: Space Cadet\n`);
  await project.write('issues/2026-W49/s/second.txt', 'Second\nSummary\nShort.\nBest for: space cadet\n');
  await project.write(
    'issues/2026-W49/issue.json',
    JSON.stringify({ subject: '{{lead}}', date: '2026-12-03', summaries: ['s/first.txt', 's/second.txt'] }),
  );
  for (let run = 0; run < 5; run++) {
    const taxonomy = parseTaxonomy('roles:\n  - name: CTO\n', 'roles.yaml');
    const { issue } = await loadIssue(project.path('issues/2026-W49'), taxonomy);
    expect(issue?.summaries.map((s) => s.roles)).toEqual([['Space Cadet'], ['Space Cadet']]);
  }
});
