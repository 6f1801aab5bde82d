import { afterEach, describe, expect, it } from 'vitest';
import { checksPanel } from '../../src/preview/pages/checks.js';
import { buildSnapshot } from '../../src/preview/snapshot.js';
import { runMain, type TempProject } from '../helpers/project.js';
import { oversizedDesignerPool } from './_fixture.js';

/**
 * When `new` left a role's only summary out for size, check and the preview showed the role as
 * "none this week" with no reason: the issue no longer names what was given up, and `new`'s output
 * was long gone. `new` keeps what it left out in the issue's record (picked.json), and both show
 * the reason where the role appears as uncovered.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

async function trimmedIssue() {
  project = (await oversizedDesignerPool()).project;
  const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
  expect(created.out).toContain('roles with none after the size trim');
  return project;
}

describe('a role the size trim of new left with none', () => {
  it('is shown by check with the reason', async () => {
    const p = await trimmedIssue();
    const checked = await runMain(p.dir, ['check', 'issues/2026-W49']);
    expect(checked.out).toMatch(
      /Designer[ ·●]+0 {2}← none this week \(new left out pool:design-reviews for size: with it the issue measured \d+\.\d KB, over the 30 KB limit\)/,
    );
    // A role with nothing in the pool at all has no such reason.
    expect(checked.out).not.toMatch(/CTO.*for size/);
  });

  it('is shown by the preview’s checks panel with the reason', async () => {
    const p = await trimmedIssue();
    const snapshot = await buildSnapshot({ issueDir: p.path('issues/2026-W49'), cwd: p.dir }, 1);
    if (!snapshot.ok) throw new Error('the snapshot did not build');
    const panel = String(checksPanel(snapshot));
    expect(panel).toMatch(/<tr data-role="Designer" class="none">.*new left out pool:design-reviews for size/s);
  });
});
