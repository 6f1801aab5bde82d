import { rename, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { usePreviewPage } from '../helpers/preview-page.js';
import { runMain } from '../helpers/project.js';
import { poolProject } from '../pool/_fixture.js';

/**
 * The editor panel's "Not in this issue" list, as an editor sees it in Chromium, offers only what
 * can go in the issue: not the picked.json (not a summary; an issue naming it does not
 * load), and not a renamed copy of a story an earlier issue sent (new leaves it out, and its
 * readers would get the story twice). A summary the pool gained since is offered.
 */

const view = usePreviewPage();

describe("the editor panel's unused summaries in Chromium", () => {
  it('offers neither picked.json nor a renamed copy of a sent story', async () => {
    const project = view.keep((await poolProject()).project);
    expect((await runMain(project.dir, ['new', '--week', '2026-W48'])).code).toBe(0);
    await rename(project.path('summaries/queues.txt'), project.path('summaries/queues-again.txt'));
    await writeFile(
      project.path('summaries/fresh.md'),
      '---\ntitle: Fresh\ndate: 2026-12-01\nroles: [CTO]\n---\n\nSomething new.\n',
    );
    const next = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(next.code).toBe(0);
    await writeFile(
      project.path('summaries/later.md'),
      '---\ntitle: Later\ndate: 2026-12-02\nroles: [Executive]\n---\n\nWritten after new ran.\n',
    );
    await writeFile(
      project.path('issues/2026-W49/extra.md'),
      '---\ntitle: Extra\nroles: [CTO]\n---\n\nA file of the issue folder.\n',
    );

    const { page, scriptErrors } = await view.open('issues/2026-W49');
    const list = page.locator('#edit-candidates');
    await list.waitFor({ state: 'visible', timeout: 15_000 });
    const offered = await list.locator('li').evaluateAll((items) => items.map((li) => li.getAttribute('data-value')));
    expect(offered.sort()).toEqual(['extra.md', 'pool:later']);
    await expect(list.textContent()).resolves.not.toMatch(/picked\.json|queues-again/);
    expect(scriptErrors).toEqual([]);
  });

  it('names the pool files it leaves out because they do not load, rather than saying there are none', async () => {
    const project = view.keep((await poolProject()).project);
    expect((await runMain(project.dir, ['new', '--week', '2026-W48'])).code).toBe(0);
    // One id in two formats: neither loads, so neither can be offered.
    await writeFile(project.path('summaries/twice.md'), '---\ntitle: Twice\nroles: [CTO]\n---\n\nOne.\n');
    await writeFile(project.path('summaries/twice.txt'), 'Twice\nSummary\nTwo.\nBest for: CTO\n');

    const { page, scriptErrors } = await view.open('issues/2026-W48');
    const leftOut = page.locator('#edit-left-out');
    await leftOut.waitFor({ state: 'visible', timeout: 15_000 });
    const text = (await leftOut.textContent()) ?? '';
    expect(text).toContain('Not offered, since 1 pool file(s) do not load (rolecast pool lists them)');
    expect(text).toMatch(
      /summaries\/twice\.(md|txt): pool id "twice" is also used by \S*summaries\/twice\.(txt|md) — rename/,
    );
    expect(scriptErrors).toEqual([]);
  });
});
