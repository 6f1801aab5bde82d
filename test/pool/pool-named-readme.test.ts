import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * The pool leaves out files named like a folder's read-me (README, LICENSE, CHANGELOG,
 * CONTRIBUTING), which are seldom summaries. An issue that names one as `pool:<id>` means it as a
 * summary, though: such an issue was refused (the summary "not in the pool") and `pool` warned that
 * the file was gone while it was there. An issue's entry now reads the file it names.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('an issue that names a pool summary called like a read-me', () => {
  it('reads it, and pool does not call it missing', async () => {
    project = (
      await poolProject({
        'summaries/changelog.md': '---\ntitle: Keep a Changelog\ndate: 2026-11-24\nroles: [CTO]\n---\n\nWrite one.\n',
        'issues/2026-W48/issue.json': JSON.stringify({
          subject: '{{lead}}',
          date: '2026-11-26',
          summaries: ['pool:queues', 'pool:changelog'],
        }),
      })
    ).project;
    const checked = await runMain(project.dir, ['check', 'issues/2026-W48']);
    expect(checked.all).not.toContain('which is not in');
    expect(checked.code).toBe(0);
    const listed = await runMain(project.dir, ['pool']);
    expect(listed.err).not.toContain('is not in the pool');
  });
});
