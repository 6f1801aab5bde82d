import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A pool summary deleted (or renamed) after an issue named it dropped out of `rolecast pool`
 * without a word: the list simply no longer showed it, though the issue still named it. `pool` now
 * warns, naming the summary and every issue that names it.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('a pool summary an issue names that the pool no longer holds', () => {
  it('is named by pool, with the issues that name it', async () => {
    project = (
      await poolProject({
        'issues/2026-W48/issue.json': JSON.stringify({
          subject: 'x',
          date: '2026-11-26',
          summaries: ['pool:queues', 'pool:flags'],
        }),
        'issues/2026-W49/issue.json': JSON.stringify({ subject: 'x', date: '2026-12-03', summaries: ['pool:flags'] }),
      })
    ).project;
    await rm(project.path('summaries/flags.json'));
    const listed = await runMain(project.dir, ['pool']);
    expect(listed.err).toContain(
      'warning: pool summary "flags" is named by issue 2026-W48, issue 2026-W49 but is not in the pool — put the file back',
    );
    expect(listed.err).not.toContain('"queues"');
    expect(listed.code).toBe(0);
  });
});
