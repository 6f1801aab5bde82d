import { afterEach, describe, expect, it } from 'vitest';
import { listCandidates } from '../../src/preview/candidates.js';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from '../pool/_fixture.js';

/** The editor panel's list of summaries to add, beside an issue `new` wrote (with its picked.json). */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('the summaries the editor panel offers', () => {
  it('never offers the record new keeps beside the issue', async () => {
    const made = await poolProject({});
    project = made.project;
    expect((await runMain(project.dir, ['new', '--week', '2026-W48'])).code).toBe(0);
    const issueDir = project.path('issues/2026-W48');
    const found = await listCandidates(made.config, issueDir, [], project.dir);
    expect(found.map((c) => c.path)).not.toContain('picked.json');
  });
});
