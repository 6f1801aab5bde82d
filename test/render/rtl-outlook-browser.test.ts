import { describe, expect, it } from 'vitest';
import { browserPerFile } from '../helpers/browser.js';
import { ARABIC_WEEK, busyWeekCopy, SAMPLE_READERS } from './_fixtures.js';

/**
 * Outlook for Windows lays mail out with Word, which knows neither `text-align: start` nor
 * `dir="auto"`: a story in Arabic inside an English issue, whose card relied on both, showed its
 * title left to right at the left edge of the card. The copy is opened in Chromium as Word reads
 * it (those two dropped) and the Arabic title must still read right to left from the right edge,
 * the English titles from the left.
 */

const browser = browserPerFile();

/** The HTML as Word takes it: `text-align:start` and `dir="auto"` mean nothing to it. */
function asWordReadsIt(html: string): string {
  return html.replace(/text-align:\s*start;?/g, '').replace(/ dir="auto"/g, '');
}

async function titles(html: string, width: number) {
  const page = await browser().newPage({ viewport: { width, height: 900 } });
  try {
    await page.setContent(html);
    return await page.evaluate(() =>
      [...document.querySelectorAll('.rc-card h2, .rc-card h3')].map((title) => {
        const box = title.closest('td')!;
        const range = document.createRange();
        range.selectNodeContents(title);
        const text = range.getBoundingClientRect();
        const inner = box.getBoundingClientRect();
        const style = getComputedStyle(box);
        return {
          arabic: /[\u0600-\u06ff]/.test(title.textContent ?? ''),
          direction: getComputedStyle(title).direction,
          fromLeft: Math.round(text.left - inner.left - Number.parseFloat(style.paddingLeft)),
          fromRight: Math.round(inner.right - Number.parseFloat(style.paddingRight) - text.right),
        };
      }),
    );
  } finally {
    await page.close();
  }
}

describe('an Arabic story’s title as Outlook for Windows lays it out', () => {
  for (const width of [600, 320])
    it(`at ${width} px reads right to left from the right edge; English titles from the left`, async () => {
      const copy = await busyWeekCopy(undefined, { sizeLimitKb: 400, sizeWarnKb: 300 }, undefined, ARABIC_WEEK);
      const found = await titles(asWordReadsIt(copy.personalise(SAMPLE_READERS[0]!).html), width);
      const arabic = found.filter((t) => t.arabic);
      const english = found.filter((t) => !t.arabic);
      expect(arabic.length, JSON.stringify(found)).toBe(1);
      expect(english.length, JSON.stringify(found)).toBeGreaterThanOrEqual(3);
      expect(arabic[0]!.direction, JSON.stringify(found)).toBe('rtl');
      expect(arabic[0]!.fromRight, JSON.stringify(found)).toBeLessThanOrEqual(1);
      for (const title of english) {
        expect(title.direction, JSON.stringify(found)).toBe('ltr');
        expect(title.fromLeft, JSON.stringify(found)).toBeLessThanOrEqual(1);
      }
    });
});
