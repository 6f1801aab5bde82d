import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { addExampleSummary, runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A story written in Arabic or Hebrew inside a left-to-right issue reads right to left: each of its
 * text elements (title, teaser, paragraphs, takeaway, list items, its contents entry) takes its
 * direction from its own first strong letter, in real Chromium. English stories stay left to right.
 */

let browser: Browser;
let project: TempProject;
beforeAll(async () => {
  browser = await launchBrowser();
  project = await tempProject({ withExample: true });
  await addExampleSummary(project, 'arabic-gateway', {
    title: 'كيف تبني منصة LLM Gateway آمنة في 30 يومًا (دليل CTO)',
    summary: 'تشرح المقالة خطوات عملية (التوجيه، والتسجيل) لبناء بوابة آمنة.\n\nثم تقارن بين ثلاثة خيارات.',
    takeaway: 'ابدأ بالتسجيل قبل التوجيه.',
    principles: ['لا تثق بالمدخلات.'],
    roles: ['CTO'],
    link: 'https://example.org/ar/gateway',
  });
  const built = await runMain(project.dir, ['build', 'issues/2026-W48', '--out', 'out']);
  expect(built.code, built.all).toBe(0);
});
afterAll(async () => {
  await browser?.close();
  await project?.cleanup();
});

it('lays out an Arabic story right to left and English stories left to right', async () => {
  const page = await browser.newPage();
  try {
    await page.setContent(await readFile(project.path('out/editor.html'), 'utf8'));
    const directions = await page.evaluate(() => {
      const card = [...document.querySelectorAll('h3')].find((h) => /[\u0600-\u06ff]/.test(h.textContent ?? ''));
      const box = card?.closest('td');
      const english = [...document.querySelectorAll('h3')].find((h) => !/[\u0600-\u06ff]/.test(h.textContent ?? ''));
      const entry = [...document.querySelectorAll('li')].find((li) => /[\u0600-\u06ff]/.test(li.textContent ?? ''));
      const dir = (el: Element | null | undefined) => (el ? getComputedStyle(el).direction : 'missing');
      const arabicText = [...(box?.querySelectorAll('p, li') ?? [])]
        .filter((el) => /[\u0600-\u06ff]/.test(el.textContent ?? ''))
        .map(dir);
      // A list indents on the side its bullets go, inside the card's box.
      const indent = (ul: Element | null | undefined) => {
        if (!ul) return 'missing';
        const style = getComputedStyle(ul);
        return `${style.direction} ${style.paddingLeft} ${style.paddingRight}`;
      };
      const inside = [...(box?.querySelectorAll('li') ?? [])].every((li) => {
        const inner = box!.getBoundingClientRect().right - Number.parseFloat(getComputedStyle(box!).paddingRight);
        const marker = li.getBoundingClientRect().right + 16;
        return marker <= inner + 0.5;
      });
      // The contents list holds both directions: the Arabic entry's bullet, on its right, stays in the box too.
      const contents = entry?.closest('td');
      const entryInside =
        !!entry &&
        !!contents &&
        entry.getBoundingClientRect().right + 16 <=
          contents.getBoundingClientRect().right - Number.parseFloat(getComputedStyle(contents).paddingRight) + 0.5;
      const englishEntry = [...(contents?.querySelectorAll('li') ?? [])].find((li) => li !== entry);
      const englishEntryIndent = englishEntry
        ? englishEntry.getBoundingClientRect().left - contents!.getBoundingClientRect().left
        : -1;
      const englishBox = english?.closest('td');
      return {
        title: dir(card),
        text: arabicText,
        entry: dir(entry),
        english: dir(english),
        arabicList: indent(box?.querySelector('ul')),
        englishList: indent(englishBox?.querySelector('ul')),
        inside,
        entryInside,
        englishEntryIndent,
      };
    });
    expect(directions.arabicList).toBe('rtl 0px 22px');
    expect(directions.englishList).toBe('ltr 22px 0px');
    expect(directions.inside).toBe(true);
    expect(directions.entryInside).toBe(true);
    // The English entries keep their place: box padding and the list's own indent.
    expect(directions.englishEntryIndent).toBe(36);
    expect(directions.title).toBe('rtl');
    expect(directions.text.length).toBeGreaterThanOrEqual(4);
    expect(new Set(directions.text)).toEqual(new Set(['rtl']));
    expect(directions.entry).toBe('rtl');
    expect(directions.english).toBe('ltr');
  } finally {
    await page.close();
  }
});
