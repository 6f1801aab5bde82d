import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, watchScriptErrors } from '../helpers/browser.js';
import { type PreviewFixture, startFixture } from './_fixture.js';

/**
 * The preview's first page on a 375 px phone: its tables (sizes, coverage, subscribers) and the
 * editor panel's lists and test-send field must stay within the screen, so the page does not
 * scroll sideways. A table wider than the screen scrolls within itself.
 */

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

describe('the preview index at phone width', () => {
  it('does not scroll sideways: every part of it ends within the screen or scrolls within its table', async () => {
    fixture = await startFixture();
    const page = await browser.newPage({ viewport: { width: PHONE, height: 667 } });
    const errors = watchScriptErrors(page);
    try {
      await page.goto(fixture.preview.url, { waitUntil: 'load' });
      await expect(page.locator('#subscribers table').count()).resolves.toBe(1);
      const outside = await page.evaluate(
        (width) =>
          [...document.querySelectorAll('body *')]
            .filter((e) => !e.closest('table') && e.getBoundingClientRect().right > width + 0.5)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${(e.textContent ?? '').slice(0, 40)}`),
        PHONE,
      );
      expect(outside).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
