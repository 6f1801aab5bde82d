import { describe, expect, it } from 'vitest';
import { browserPerFile } from '../helpers/browser.js';
import { ARABIC_WEEK, BUSY_WEEK, busyWeekCopy, SAMPLE_READERS } from './_fixtures.js';

/**
 * Outlook for Windows lays mail out with Word, which knows neither `text-align: start` nor
 * `dir="auto"`: a story in Arabic inside an English issue, whose card relied on both, showed its
 * title left to right at the left edge of the card. The copy is opened in Chromium as Word reads
 * it (those two dropped) and the Arabic title must still read right to left from the right edge,
 * the English titles from the left; its contents entry likewise, which showed at the left edge,
 * and its headline in a copy cut to fit Gmail's clip.
 */

const browser = browserPerFile();

/** The HTML as Word takes it: `text-align:start` and `dir="auto"` mean nothing to it. */
function asWordReadsIt(html: string): string {
  return html.replace(/text-align:\s*start;?/g, '').replace(/ dir="auto"/g, '');
}

/** Each element `selector` finds: whether it is Arabic, its direction and where its text starts and ends inside its box's padding. */
async function placed(html: string, width: number, selector: string) {
  const page = await browser().newPage({ viewport: { width, height: 900 } });
  try {
    await page.setContent(html);
    return await page.evaluate(
      (selector) =>
        [...document.querySelectorAll(selector)].map((element) => {
          const box = element.closest('td')!;
          const range = document.createRange();
          range.selectNodeContents(element);
          const text = range.getBoundingClientRect();
          const inner = box.getBoundingClientRect();
          const style = getComputedStyle(box);
          return {
            arabic: /[\u0600-\u06ff]/.test(element.textContent ?? ''),
            direction: getComputedStyle(element).direction,
            fromLeft: Math.round(text.left - inner.left - Number.parseFloat(style.paddingLeft)),
            fromRight: Math.round(inner.right - Number.parseFloat(style.paddingRight) - text.right),
          };
        }),
      selector,
    );
  } finally {
    await page.close();
  }
}

/**
 * The busy week with its last story in Arabic, for the CTO (the story is theirs): a copy of two roles
 * over a 60 KB limit lists it by headline.
 */
const ARABIC_LAST = [...BUSY_WEEK.slice(0, 19), { ...ARABIC_WEEK[0]!, id: 'story-20', roles: BUSY_WEEK[19]!.roles }];
const WHOLE = { sizeLimitKb: 400, sizeWarnKb: 300 };
const CUT = { sizeLimitKb: 60, sizeWarnKb: 50 };

/**
 * The card titles, the contents entries of a reader of two roles (each entry's title link; its
 * bullet stands in the list's 18 px on the side it reads from), and the headlines of a cut copy.
 */
const PLACES = [
  {
    what: 'title',
    roles: undefined,
    size: WHOLE,
    week: ARABIC_WEEK,
    selector: '.rc-card h2, .rc-card h3',
    english: 3,
    room: 1,
  },
  {
    what: 'contents entry',
    roles: ['CTO', 'Executive'],
    size: WHOLE,
    week: ARABIC_WEEK,
    selector: '.rc-contents li > a',
    english: 1,
    room: 19,
  },
  {
    what: 'headline in a cut copy',
    roles: ['CTO', 'Executive'],
    size: CUT,
    week: ARABIC_LAST,
    selector: '.rc-contents li[id]',
    english: 3,
    room: 19,
  },
];

for (const { what, roles, size, week, selector, english: others, room } of PLACES)
  describe(`an Arabic story’s ${what} as Outlook for Windows lays it out`, () => {
    for (const width of [600, 320])
      it(`at ${width} px reads right to left from the right edge; English ones from the left`, async () => {
        const copy = await busyWeekCopy(roles, size, undefined, week);
        const found = await placed(asWordReadsIt(copy.personalise(SAMPLE_READERS[0]!).html), width, selector);
        const arabic = found.filter((t) => t.arabic);
        const english = found.filter((t) => !t.arabic);
        expect(arabic.length, JSON.stringify(found)).toBe(1);
        expect(english.length, JSON.stringify(found)).toBeGreaterThanOrEqual(others);
        expect(arabic[0]!.direction, JSON.stringify(found)).toBe('rtl');
        expect(arabic[0]!.fromRight, JSON.stringify(found)).toBeLessThanOrEqual(room);
        for (const title of english) {
          expect(title.direction, JSON.stringify(found)).toBe('ltr');
          expect(title.fromLeft, JSON.stringify(found)).toBeLessThanOrEqual(room);
        }
      });
  });
