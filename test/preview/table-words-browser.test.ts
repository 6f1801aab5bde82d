import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { REPO_ROOT } from '../helpers/project.js';
import { type PreviewFixture, startFixture } from './_fixture.js';

/**
 * The preview's tables at desktop width: a subscriber named by one long word wraps inside the
 * window, and no ordinary word (an address, a column's heading, a summary's title) is cut in two.
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

/** Words of table cells and headings shorter than `max` characters that the page shows on two lines. */
function cutWords(max: number): string[] {
  const cut: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    // The message's headers are shown raw, broken anywhere on purpose.
    const cell = node.parentElement?.closest('td, th, h1, h2');
    if (!cell || cell.closest('table.headers')) continue;
    // Hyphens, plus signs and slashes are where a browser may wrap any text.
    for (const match of (node.textContent ?? '').matchAll(/[^\s\-+/]+/g)) {
      if (match[0].length >= max) continue;
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (lines.size > 1) cut.push(match[0]);
    }
  }
  return cut;
}

describe("the preview's tables with a subscriber named by one long word, at desktop width", () => {
  it('wrap that name inside the window and leave every ordinary word whole', async () => {
    const list = JSON.parse(await readFile(`${REPO_ROOT}/subscribers.example.json`, 'utf8'));
    list.subscribers.push({ email: 'long.name@example.com', name: LONG_NAME, roles: ['CTO'] });
    list.subscribers.push({ email: 'firstname.lastname@companyname.com', name: 'Ann Lee', roles: ['Executive'] });
    fixture = await startFixture({ files: { 'subscribers.example.json': JSON.stringify(list) } });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      for (const path of ['/', '/subscriber/long.name%40example.com']) {
        await page.goto(new URL(path, fixture.preview.url).toString());
        await expect(page.getByText(LONG_NAME).first().isVisible()).resolves.toBe(true);
        expect([path, await page.evaluate(() => document.documentElement.scrollWidth)]).toEqual([path, 1280]);
        expect([path, await page.evaluate(cutWords, 40)]).toEqual([path, []]);
      }
    } finally {
      await page.close();
    }
  });
});
