import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type PreviewServer, startPreview } from '../../src/preview/index.js';
import { launchBrowser, watchScriptErrors } from './browser.js';
import type { TempProject } from './project.js';

/**
 * Chromium for the suite, and for each test a project's preview open in a page; the page, the
 * preview and the project are closed and removed after the test.
 */
export function usePreviewPage() {
  let browser: Browser | undefined;
  let project: TempProject | undefined;
  let preview: PreviewServer | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await page?.close();
    await preview?.close();
    await project?.cleanup();
    page = undefined;
    preview = undefined;
    project = undefined;
  });
  return {
    /** The test's project, removed after it. */
    keep(made: TempProject): TempProject {
      project = made;
      return made;
    },
    /** Previews `issueDir` of the kept project in a new page, with the page's script errors watched. */
    async open(issueDir: string): Promise<{ page: Page; preview: PreviewServer; scriptErrors: string[] }> {
      preview = await startPreview({ issueDir, cwd: project!.dir, port: 0 });
      page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
      const scriptErrors = watchScriptErrors(page);
      await page.goto(preview.url);
      return { page, preview, scriptErrors };
    },
  };
}
