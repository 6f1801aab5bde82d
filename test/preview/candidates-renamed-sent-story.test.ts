import { readFile, rename } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { listCandidates } from '../../src/preview/candidates.js';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from '../pool/_fixture.js';

/**
 * `new` leaves out a pool summary an earlier issue took that was renamed since (known from that
 * issue's picked.json). The editor panel's list of pool summaries to add must not offer it either.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('a renamed copy of a story an earlier issue took, in the editor panel', () => {
  it('is not offered to the next issue, and is offered to the issue that took it', async () => {
    const made = await poolProject({
      'summaries/fresh.md': '---\ntitle: Fresh\ndate: 2026-11-29\nroles: [CTO]\n---\n\nSomething new.\n',
    });
    project = made.project;
    expect((await runMain(project.dir, ['new', '--week', '2026-W48'])).code).toBe(0);
    const first = JSON.parse(await readFile(project.path('issues/2026-W48/issue.json'), 'utf8'));
    expect(first.summaries).toContain('pool:queues');
    await rename(project.path('summaries/queues.txt'), project.path('summaries/queues-2026.txt'));
    const w49 = project.path('issues/2026-W49');
    await runMain(project.dir, ['new', '--week', '2026-W49']);
    const offered = await listCandidates(made.config, w49, [], project.dir);
    expect(offered.map((c) => c.path)).not.toContain('pool:queues-2026');
    // The issue that took it may name it under its new name: that is how its missing file is mended.
    const own = await listCandidates(made.config, project.path('issues/2026-W48'), first.summaries, project.dir);
    expect(own.map((c) => c.path)).toContain('pool:queues-2026');
  });
});
