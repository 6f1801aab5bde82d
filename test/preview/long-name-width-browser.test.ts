import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { REPO_ROOT } from '../helpers/project.js';
import { type PreviewFixture, startFixture } from './_fixture.js';

/**
 * A subscriber whose name is one long word (a pasted handle, a hash): the preview's index and that
 * subscriber's view wrap it inside the window, as every other name, rather than scrolling sideways.
 */

const LONG_NAME = `Reader ${'x'.repeat(90)}`;
let browser: Browser;
let fixture: PreviewFixture | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await fixture?.close();
  await browser?.close();
});

describe('the preview with a subscriber named by one long word, at desktop width', () => {
  it('wraps the name on the index and on their view, with nothing scrolling sideways', async () => {
    const list = JSON.parse(await readFile(`${REPO_ROOT}/subscribers.example.json`, 'utf8'));
    list.subscribers.push({ email: 'long.name@example.com', name: LONG_NAME, roles: ['CTO'] });
    fixture = await startFixture({ files: { 'subscribers.example.json': JSON.stringify(list) } });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      for (const path of ['/', '/subscriber/long.name%40example.com']) {
        await page.goto(new URL(path, fixture.preview.url).toString());
        await expect(page.getByText(LONG_NAME).first().isVisible()).resolves.toBe(true);
        expect([path, await page.evaluate(() => document.documentElement.scrollWidth)]).toEqual([path, 1280]);
      }
    } finally {
      await page.close();
    }
  });
});
