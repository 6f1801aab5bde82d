import { afterEach, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { type PreviewFixture, startFixture } from './_fixture.js';

/**
 * The checks panel's coverage matrix has one column a summary. An issue of 80 summaries made it
 * thousands of pixels wide and the whole index page scrolled sideways with it; the matrix now
 * scrolls in its own box and the page keeps its width.
 */

let fixture: PreviewFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const COUNT = 80;

describe('the coverage matrix of a large issue in the preview', () => {
  it('scrolls inside its box; the page stays as wide as the window', async () => {
    const files: Record<string, string> = {};
    const ids: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      const id = `wide-${String(i).padStart(2, '0')}`;
      ids.push(`summaries/${id}.json`);
      files[`issues/2026-W48/summaries/${id}.json`] = JSON.stringify({
        title: `Short Note ${i}`,
        summary: `Note ${i}.`,
        roles: [['CTO', 'Executive', 'Designer'][i % 3]],
      });
    }
    files['issues/2026-W48/issue.json'] = JSON.stringify({ subject: '{{lead}}', date: '2026-11-26', summaries: ids });
    fixture = await startFixture({ files });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`http://127.0.0.1:${fixture.preview.port}/`);
      const sizes = await page.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        window: window.innerWidth,
        matrix: document.querySelector('table.coverage')?.scrollWidth ?? 0,
      }));
      expect(sizes.matrix).toBeGreaterThan(2 * sizes.window);
      expect(sizes.page).toBeLessThanOrEqual(sizes.window);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
