import { describe, expect, it } from 'vitest';
import { browserPerFile } from '../helpers/browser.js';
import { BUSY_WEEK, BUSY_WEEK_ROLES, busyWeekCopy, SAMPLE_READERS } from './_fixtures.js';

/**
 * A screen reader lists a message's headings to skim it. Every shape of copy reads as one outline:
 * the title, then "In this issue", the role bands when there are several sections, each
 * story under its band (or beside the contents when there are none), and the stories cut to
 * headlines; never a level skipped, never a story filed under the contents.
 */

const browser = browserPerFile();

interface Heading {
  level: number;
  name: string;
}

/** The headings of the message as Chromium's accessibility tree gives them, in reading order. */
async function headingsOf(html: string): Promise<Heading[]> {
  const page = await browser().newPage({ viewport: { width: 600, height: 800 } });
  try {
    await page.setContent(html);
    const tree = await page.locator('body').ariaSnapshot();
    return [...tree.matchAll(/- heading "([^"]*)" \[level=(\d)\]/g)].map((m) => ({ name: m[1]!, level: Number(m[2]) }));
  } finally {
    await page.close();
  }
}

/** The heading each story's title sits under: the nearest one before it of a lower level. */
function parentOf(headings: Heading[], index: number): Heading | undefined {
  for (let i = index - 1; i >= 0; i--) if (headings[i]!.level < headings[index]!.level) return headings[i];
  return undefined;
}

const TITLES = new Set(BUSY_WEEK.map((s) => s.title!));

const SHAPES: { name: string; roles: string[] | undefined; config?: Record<string, unknown>; cut: boolean }[] = [
  { name: 'one role', roles: ['CTO'], cut: false },
  { name: 'one role, cut to headlines', roles: ['CTO'], config: { sizeLimitKb: 50, sizeWarnKb: 40 }, cut: true },
  { name: 'two roles', roles: ['CTO', 'Executive'], config: { sizeLimitKb: 400, sizeWarnKb: 300 }, cut: false },
  { name: 'eight roles, cut to headlines', roles: BUSY_WEEK_ROLES, cut: true },
  { name: 'the editor edition', roles: undefined, config: { sizeLimitKb: 400, sizeWarnKb: 300 }, cut: false },
];

describe('the heading outline of each copy, in Chromium', () => {
  for (const shape of SHAPES)
    it(`${shape.name}: one h1, no level skipped, each story under the title or its band`, async () => {
      const copy = await busyWeekCopy(shape.roles, shape.config);
      const { html } = copy.personalise(SAMPLE_READERS[0]!);
      const headings = await headingsOf(html);
      const outline = headings.map((h) => `${'  '.repeat(h.level - 1)}h${h.level} ${h.name}`).join('\n');
      expect(headings[0], outline).toEqual({ level: 1, name: 'Test Weekly' });
      expect(
        headings.filter((h) => h.level === 1),
        outline,
      ).toHaveLength(1);
      for (let i = 1; i < headings.length; i++)
        expect(headings[i]!.level, outline).toBeLessThanOrEqual(headings[i - 1]!.level + 1);
      expect(headings[1], outline).toEqual({ level: 2, name: 'In this issue' });
      const stories = headings.flatMap((h, i) => (TITLES.has(h.name) ? [i] : []));
      expect(stories.length, outline).toBeGreaterThan(0);
      for (const i of stories) {
        const parent = parentOf(headings, i)!;
        expect(parent.level === 1 || /^For .+ · \d+/.test(parent.name), outline).toBe(true);
      }
      const cut = headings.filter((h) => /more stor(y|ies) in this issue$/i.test(h.name));
      expect(cut.map((h) => h.level)).toEqual(shape.cut ? [2] : []);
    });
});
