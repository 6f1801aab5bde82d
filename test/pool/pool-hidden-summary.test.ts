import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A summary whose name starts with a dot (`.grids.txt`: a dot typed first, or a file hidden by a
 * tool) was left out of the pool and of new's pick with no word in `rolecast pool`, though the
 * README says dot files are left out with a note. It is now named among the files not read;
 * `.DS_Store` and macOS's `._` copies stay unmentioned.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('a hidden summary in the pool', () => {
  it('is named by pool as not read, and is not what pool:<id> reads', async () => {
    project = (
      await poolProject({
        'summaries/.grids.txt': 'Grids\nDate: 2026-11-26\nSummary\nGrids.\nBest for: Designer\n',
        'summaries/._queues.txt': 'binary',
        'summaries/.DS_Store': 'binary',
      })
    ).project;
    const listed = await runMain(project.dir, ['pool']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(
      'not summaries, so not read: summaries/.grids.txt (a hidden file: its name starts with a dot)',
    );
    expect(listed.out).not.toMatch(/_queues|DS_Store/);
    const json = JSON.parse((await runMain(project.dir, ['pool', '--json'])).out);
    expect(json.skipped).toEqual([{ file: 'summaries/.grids.txt', what: 'a hidden file: its name starts with a dot' }]);

    // An issue naming pool:grids is told the pool has no such summary, not given the hidden file.
    await project.write(
      'issues/2026-W50/issue.json',
      JSON.stringify({ subject: 'S', date: '2026-12-07', summaries: ['pool:queues', 'pool:grids'] }),
    );
    const checked = await runMain(project.dir, ['check', 'issues/2026-W50']);
    expect(checked.code).toBe(2);
    expect(checked.all).toContain('names pool summary "grids", which is not in ');
  });
});
