import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArchive } from '../../src/archive/index.js';
import { launchBrowser, watchScriptErrors } from '../helpers/browser.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * The archive's index in a dark-scheme browser on a phone: it says it suits light and dark, so its
 * grey date lines must stay readable on the dark page (4.5:1), and it wears the same dark colours
 * as the summary pages it links to.
 */

let project: TempProject;
let browser: Browser;

beforeAll(async () => {
  project = await tempProject({ withExample: true });
  await buildArchive({
    issuesDir: 'issues',
    outDir: 'site',
    cwd: project.dir,
    now: () => new Date('2026-12-05T12:00:00Z'),
  });
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await project?.cleanup();
});

function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('the archive index in dark mode', () => {
  it('keeps its date lines readable and its background that of the summary pages', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 667 }, colorScheme: 'dark' });
    const page = await context.newPage();
    const errors = watchScriptErrors(page);
    try {
      const colours = async () =>
        page.evaluate(() => {
          const body = getComputedStyle(document.body);
          const date = document.querySelector('.date, .meta');
          return { background: body.backgroundColor, date: date ? getComputedStyle(date).color : '' };
        });
      await page.goto(`file://${project.path('site/2026-W48/board-questions-on-ai-spend/index.html')}`);
      const summary = await colours();
      await page.goto(`file://${project.path('site/index.html')}`);
      const index = await colours();
      expect(index.background).toBe(summary.background);
      expect(contrast(index.date, index.background)).toBeGreaterThanOrEqual(4.5);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
