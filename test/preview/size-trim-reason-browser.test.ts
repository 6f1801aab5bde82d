import { describe, expect, it } from 'vitest';
import { usePreviewPage } from '../helpers/preview-page.js';
import { runMain } from '../helpers/project.js';
import { oversizedDesignerPool } from '../pool/_fixture.js';

/**
 * A role `new` left with none for size, as an editor sees it in the preview's coverage table in
 * Chromium: the "none" badge carries the reason as its tooltip, and the reason stands beside it.
 */

const view = usePreviewPage();

describe("the preview's coverage table in Chromium", () => {
  it('shows why a role the size trim emptied has none this week', async () => {
    const project = view.keep((await oversizedDesignerPool()).project);
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.out).toContain('roles with none after the size trim');
    const { page, scriptErrors } = await view.open('issues/2026-W49');

    const designer = page.locator('#checks tr[data-role="Designer"]');
    await designer.waitFor({ state: 'visible', timeout: 15_000 });
    const badge = designer.locator('.badge', { hasText: 'none' });
    await expect(badge.getAttribute('title')).resolves.toMatch(/new left out pool:design-reviews for size/);
    const reason = designer.locator('.trimmed');
    await expect(reason.isVisible()).resolves.toBe(true);
    await expect(reason.textContent()).resolves.toMatch(
      /new left out pool:design-reviews for size: with it the issue measured \d+\.\d KB, over the 30 KB limit/,
    );
    // A role with no summary in the pool at all has no such reason.
    await expect(page.locator('#checks tr[data-role="CTO"] .trimmed').count()).resolves.toBe(0);
    expect(scriptErrors).toEqual([]);
  });
});
