import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { REPO_ROOT } from '../helpers/project.js';
import { type PreviewFixture, startFixture } from './_fixture.js';

/**
 * A subscriber named by one long word (a pasted handle, a hash), viewed on a 375 px phone: the
 * breadcrumb over their view names them, and must wrap inside the screen, not run past its edge;
 * nor may any other part of the view (the checks' size table) widen the page past the screen.
 */

const LONG_NAME = `Reader ${'x'.repeat(90)}`;
const PHONE = 375;
let browser: Browser;
let fixture: PreviewFixture | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await fixture?.close();
  await browser?.close();
});

describe("a long subscriber name in the preview's breadcrumb, at phone width", () => {
  it('wraps inside the screen: the breadcrumb ends within the window and nothing scrolls sideways', async () => {
    const list = JSON.parse(await readFile(`${REPO_ROOT}/subscribers.example.json`, 'utf8'));
    list.subscribers.push({ email: 'long.name@example.com', name: LONG_NAME, roles: ['CTO'] });
    fixture = await startFixture({ files: { 'subscribers.example.json': JSON.stringify(list) } });
    const page = await browser.newPage({ viewport: { width: PHONE, height: 667 } });
    try {
      await page.goto(new URL('/subscriber/long.name%40example.com', fixture.preview.url).toString());
      const crumbs = page.locator('nav.crumbs');
      await expect(crumbs.textContent()).resolves.toContain(LONG_NAME);
      const box = await crumbs.evaluate((nav) => {
        const rect = nav.getBoundingClientRect();
        return { right: Math.ceil(rect.right), overflow: nav.scrollWidth - nav.clientWidth };
      });
      expect(box.right).toBeLessThanOrEqual(PHONE);
      expect(box.overflow).toBe(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE);
    } finally {
      await page.close();
    }
  });
});
