import { describe, expect, it } from 'vitest';
import { browserPerFile } from '../helpers/browser.js';
import { BUSY_WEEK_ROLES, busyWeekCopy, SAMPLE_READERS } from './_fixtures.js';

/**
 * A copy cut to fit Gmail's clip listed its last stories under "9 more stories in this issue" as one
 * list, so a reader of several roles could not tell which of their roles had lost stories. Each
 * headline now sits under the heading of the section it was cut from, as in the contents; a reader
 * of one section, whose role the lead names, gets the list without one.
 */

const browser = browserPerFile();

let eight: ReturnType<typeof busyWeekCopy> | undefined;
/** The copy of a reader of all eight roles, compiled once for the file. */
async function eightRoles() {
  eight ??= busyWeekCopy(BUSY_WEEK_ROLES);
  return (await eight).personalise(SAMPLE_READERS[0]!);
}

/** The plain text's `  * title` entries under each unindented line, wrapped lines joined, from `start` to `end`. */
function listsIn(lines: string[], start: number, end: number): Map<string, string | undefined> {
  const under = new Map<string, string | undefined>();
  let heading: string | undefined;
  let item: string | undefined;
  const close = () => {
    if (item !== undefined) under.set(item.replace(/: https?:\/\/\S+$/, ''), heading);
    item = undefined;
  };
  for (const line of lines.slice(start, end)) {
    if (line.startsWith('  * ')) {
      close();
      item = line.slice(4);
    } else if (line.startsWith('    ') && item !== undefined) item += ` ${line.trim()}`;
    else {
      close();
      heading = /^For /.test(line) ? line : undefined;
    }
  }
  close();
  return under;
}

function plainTextLists(text: string) {
  const lines = text.split('\n');
  const contents = lines.indexOf('== In this issue ==');
  const cut = lines.findIndex((line) => /^== \d+ more stories in this issue ==$/.test(line));
  const online = lines.findIndex((line) => line.startsWith('Read the whole issue online:'));
  expect(contents).toBeGreaterThan(0);
  expect(cut).toBeGreaterThan(contents);
  expect(online).toBeGreaterThan(cut);
  const firstBand = lines.findIndex((line, i) => i > contents && /^== /.test(line));
  return { contents: listsIn(lines, contents + 1, firstBand), headlines: listsIn(lines, cut + 2, online) };
}

/** For each headline's anchor, the line above its list, and the same for each contents entry, as Chromium shows them at `width`. */
async function htmlLists(html: string, width: number) {
  const page = await browser().newPage({ viewport: { width, height: 800 } });
  try {
    await page.setContent(html);
    return await page.evaluate(() => {
      const above = (element: Element) => {
        const list = element.closest('ul')!;
        const heading = list.previousElementSibling as HTMLElement;
        const box = heading.getBoundingClientRect();
        return {
          heading: heading.textContent,
          seen: box.height > 0 && box.right <= window.innerWidth && box.left >= 0,
        };
      };
      const headlines = [...document.querySelectorAll('li[id]')].map((li) => ({ anchor: li.id, ...above(li) }));
      const contents = Object.fromEntries(
        [...document.querySelectorAll('.rc-contents a[href^="#"]')].map((a) => [
          a.getAttribute('href')!.slice(1),
          above(a).heading,
        ]),
      );
      return { headlines, contents };
    });
  } finally {
    await page.close();
  }
}

describe('the stories of a cut copy, listed by headline', () => {
  it('of a reader of eight roles sit under the role each was cut from, in the plain text', async () => {
    const { text } = await eightRoles();
    const { contents, headlines } = plainTextLists(text);
    expect(headlines.size).toBeGreaterThan(0);
    for (const [title, heading] of headlines) {
      expect(heading, `${title} in\n${text}`).toMatch(/^For /);
      expect(heading, title).toBe(contents.get(title));
    }
    expect(new Set(headlines.values()).size).toBeGreaterThan(1);
  });

  for (const width of [320, 600, 1000])
    it(`of a reader of eight roles sit under the role each was cut from, in Chromium at ${width} px`, async () => {
      const { html } = await eightRoles();
      const { headlines, contents } = await htmlLists(html, width);
      expect(headlines.length).toBeGreaterThan(0);
      for (const { anchor, heading, seen } of headlines) {
        expect(heading, anchor).toMatch(/^For /);
        expect(heading, anchor).toBe(contents[anchor]);
        expect(seen, anchor).toBe(true);
      }
      expect(new Set(headlines.map((h) => h.heading)).size).toBeGreaterThan(1);
    });

  it('of a reader of one role are listed without a role heading, in both parts', async () => {
    const copy = await busyWeekCopy(['CTO'], { sizeLimitKb: 50, sizeWarnKb: 40 });
    const { html, text } = copy.personalise(SAMPLE_READERS[0]!);
    const { headlines } = plainTextLists(text);
    expect(headlines.size).toBeGreaterThan(0);
    for (const heading of headlines.values()) expect(heading).toBeUndefined();
    for (const { heading } of (await htmlLists(html, 600)).headlines) expect(heading).toMatch(/^Shortened so/);
  });
});
