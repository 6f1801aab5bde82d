import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FileReaders, startFileReaders } from './_file-readers.js';
import { confirmLink, postSignup, pressConfirm } from './_returning.js';

/**
 * A reader whose address is long (a department's, on a company subdomain) opens their preferences
 * page on a 320 px phone: the page says the address in a sentence, and it must wrap there rather
 * than widen the page past the screen. In headless Chromium against `rolecast serve`; the layout
 * is the same whatever holds the state, so SQLite alone.
 */

const READER = 'firstname.middlename.lastname.department@subdomain.example-company.com';

let h: FileReaders;
beforeAll(async () => {
  h = await startFileReaders();
}, 60_000);
afterAll(() => h?.close());

describe('a reader page on a 320 px screen', () => {
  it('wraps a long address instead of scrolling sideways', async () => {
    await postSignup(h, READER);
    expect(await pressConfirm(await confirmLink(h, READER, 1))).toBe(200);
    const page = await h.browser.newPage({ viewport: { width: 320, height: 640 } });
    try {
      await page.goto(h.linkFor('/preferences', READER));
      await page.getByText(READER, { exact: false }).first().waitFor();
      const width = () => page.evaluate(() => document.documentElement.scrollWidth);
      expect(await width()).toBe(320);
      // The same page after a save, its notice above the address.
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('status').waitFor({ timeout: 15_000 });
      expect(await width()).toBe(320);
    } finally {
      await page.close();
    }
  });
});
