import { describe, expect, it } from 'vitest';
import { browserPerFile } from '../helpers/browser.js';
import { ARABIC_WEEK, busyWeekCopy, SAMPLE_READERS } from './_fixtures.js';

/**
 * A story in Arabic inside an English issue reads right to left (dir="auto"), and its lines must
 * also start at the right edge: MJML writes text-align:left on every mj-text, which left a short
 * Arabic title, teaser or takeaway hanging at the left of its card, ending where it should start.
 * Measured in Chromium: each element's text against the side it starts from, at 600 and 320 px.
 */

const browser = browserPerFile();

/** How far each text element's text stands from the side it starts from (0 when aligned to its start). */
async function gaps(html: string, width: number) {
  const page = await browser().newPage({ viewport: { width, height: 900 } });
  try {
    await page.setContent(html);
    return await page.evaluate(() => {
      const arabic = (el: Element) => /[\u0600-\u06ff]/.test(el.textContent ?? '');
      const gap = (el: Element) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const text = range.getBoundingClientRect();
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return style.direction === 'rtl'
          ? Math.round(box.right - Number.parseFloat(style.paddingRight) - text.right)
          : Math.round(text.left - box.left - Number.parseFloat(style.paddingLeft));
      };
      const card = [...document.querySelectorAll('h2, h3')].find(arabic)!.closest('td')!;
      const english = [...document.querySelectorAll('.rc-card h2, .rc-card h3')].find((h) => !arabic(h))!;
      const entry = [...document.querySelectorAll('.rc-contents li')].find(arabic)!;
      return {
        arabic: [...card.querySelectorAll('h2, h3, p, li')]
          .filter(arabic)
          .map((el) => `${el.tagName.toLowerCase()} ${getComputedStyle(el).direction} ${gap(el)}`),
        english: gap(english),
        entry: `${getComputedStyle(entry).direction} ${gap(entry)}`,
      };
    });
  } finally {
    await page.close();
  }
}

describe('an Arabic story’s text starts at the right, in Chromium', () => {
  for (const width of [600, 320])
    it(`at ${width} px: its title, teaser, paragraph, takeaway, tips and contents entry`, async () => {
      const copy = await busyWeekCopy(undefined, { sizeLimitKb: 400, sizeWarnKb: 300 }, undefined, ARABIC_WEEK);
      const found = await gaps(copy.personalise(SAMPLE_READERS[0]!).html, width);
      expect(found.arabic.length, JSON.stringify(found)).toBeGreaterThanOrEqual(6);
      for (const element of found.arabic) expect(element, JSON.stringify(found)).toMatch(/ rtl [01]$/);
      expect(found.entry).toMatch(/^rtl [01]$/);
      expect(found.english).toBeLessThanOrEqual(1);
    });
});
