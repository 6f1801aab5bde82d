import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type PreviewServer, startPreview } from '../../src/preview/index.js';
import { browserPerFile } from '../helpers/browser.js';
import { perTest } from '../helpers/per-test.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { ISSUE_DIR, SUBSCRIBERS } from './_fixture.js';

const SUMMARY = `${ISSUE_DIR}/summaries/page-budget-for-on-call.txt`;

const browser = browserPerFile();
const opened = perTest<{ page: Page; preview: PreviewServer; project: TempProject }>(['page', 'preview', 'project']);

describe('an open preview page when the preview is stopped and started again', () => {
  it('reloads with what the new run renders, though both runs are at their first render', async () => {
    const project = await tempProject({ withExample: true });
    opened.project = project;
    const start = (port: number) =>
      startPreview({ issueDir: ISSUE_DIR, subscribersFile: SUBSCRIBERS, cwd: project.dir, port });
    const first = await start(0);
    opened.preview = first;
    const page = await browser().newPage();
    opened.page = page;
    await page.goto(first.url);
    await page.waitForSelector('#live.on');
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    // Stopped, the summary edited meanwhile (a pull, a branch switch), started again on the same port.
    await first.close();
    await page.waitForSelector('#live:not(.on)');
    const file = project.path(SUMMARY);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^.*$/m, 'Edited while the preview was stopped'));
    opened.preview = await start(first.port);

    await page.waitForFunction(() => !(window as unknown as { notReloaded?: boolean }).notReloaded, undefined, {
      timeout: 15_000,
    });
    await page.waitForSelector('#live.on');
    expect(await page.locator('#variants').textContent()).toContain('Edited while the preview was stopped');
  });
});
