import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { addExampleSummary, runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A card's lists whose items read the other way from its title, or both ways: each item takes its
 * direction from its own first letter, and its bullet, hanging on that side, stays inside the card
 * in real Chromium, at 375 px as at 680 px.
 */

let browser: Browser;
let project: TempProject;
beforeAll(async () => {
  browser = await launchBrowser();
  project = await tempProject({ withExample: true });
  const story = {
    summary: 'A short account of how a lab split its budget.',
    roles: ['CTO'],
    link: 'https://example.org/lab',
  };
  await addExampleSummary(project, 'hebrew-title-english-tips', {
    ...story,
    title: 'איך מעבדה קטנה חילקה את התקציב',
    practice: ['Write down who owns each budget line.', 'Review the split every quarter.'],
  });
  await addExampleSummary(project, 'english-title-arabic-tips', {
    ...story,
    title: 'How a small lab split its budget',
    principles: ['لا تنفق قبل أن تقيس.', 'اجعل لكل بند مالكًا.'],
  });
  await addExampleSummary(project, 'both-ways-tips', {
    ...story,
    title: 'Budgets in two languages',
    practice: ['Name one owner per line.', 'סקרו את החלוקה בכל רבעון.'],
  });
  const built = await runMain(project.dir, ['build', 'issues/2026-W48', '--out', 'out']);
  expect(built.code, built.all).toBe(0);
});
afterAll(async () => {
  await browser?.close();
  await project?.cleanup();
});

it.each([375, 680])('keeps every bullet of a list inside its card at %i px', async (width) => {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  try {
    await page.setContent(await readFile(project.path('out/editor.html'), 'utf8'));
    const outside = await page.evaluate(() => {
      const titles = ['איך מעבדה קטנה חילקה את התקציב', 'How a small lab split its budget', 'Budgets in two languages'];
      const found: string[] = [];
      for (const title of titles) {
        const box = [...document.querySelectorAll('h3')].find((h) => h.textContent?.trim() === title)?.closest('td');
        if (!box) {
          found.push(`no card "${title}"`);
          continue;
        }
        const style = getComputedStyle(box);
        const frame = box.getBoundingClientRect();
        const left = frame.left + Number.parseFloat(style.paddingLeft);
        const right = frame.right - Number.parseFloat(style.paddingRight);
        for (const li of box.querySelectorAll('li')) {
          const item = li.getBoundingClientRect();
          // A bullet hangs about 16 px before its item's start: left of a left-to-right item, right of a right-to-left one.
          const inside =
            getComputedStyle(li).direction === 'rtl' ? item.right + 16 <= right + 0.5 : item.left - 16 >= left - 0.5;
          if (!inside) found.push(`${title}: ${li.textContent}`);
        }
        if (box.querySelectorAll('li').length !== 2) found.push(`${title}: ${box.querySelectorAll('li').length} items`);
      }
      return found;
    });
    expect(outside).toEqual([]);
  } finally {
    await page.close();
  }
});
