import { afterEach, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { TempProject } from '../helpers/project.js';
import { poolProject } from '../pool/_fixture.js';

/**
 * A summary written into the issue folder under a name with a dot typed first is no less the
 * editor's than one without: check must name it as unlisted, as the pool names such a file, while
 * macOS's `._` copies, Emacs's `.#` locks, other dot files and dot folders stay unmentioned.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const SUMMARY = 'Queues\nSummary\nQueues absorb bursts.\nBest for: CTO\n';

it('names a hidden summary file of the issue folder that issue.json does not list', async () => {
  ({ project } = await poolProject({
    'issues/2026-W49/issue.json': JSON.stringify({ subject: 'x', date: '2026-12-03', summaries: ['pool:queues'] }),
    'issues/2026-W49/summaries/.pricing.txt': SUMMARY.replace('Queues\n', 'Pricing\n'),
    'issues/2026-W49/.focus.md': '---\ntitle: Focus\nroles: [CTO]\n---\n\nText.\n',
    'issues/2026-W49/summaries/._pricing.txt': 'AppleDouble',
    'issues/2026-W49/summaries/.#pricing.txt': 'lock',
    'issues/2026-W49/.DS_Store': 'x',
    'issues/2026-W49/.obsidian/notes.md': '---\ntitle: Notes\n---\n',
  }));
  const checked = await runCli(['check', 'issues/2026-W49'], { cwd: project.dir });
  const output = checked.stdout + checked.stderr;
  const unlisted = output.split('\n').filter((line) => line.includes('not listed in issue.json'));
  expect(unlisted).toEqual([
    'issues/2026-W49/.focus.md: warning: is in the issue folder but not listed in issue.json, and hidden by the dot its name starts with, so no reader gets it — take the dot off its name and add it to "summaries" in issue.json, or move the file out of the issue folder',
    'issues/2026-W49/summaries/.pricing.txt: warning: is in the issue folder but not listed in issue.json, and hidden by the dot its name starts with, so no reader gets it — take the dot off its name and add it to "summaries" in issue.json, or move the file out of the issue folder',
  ]);
});
