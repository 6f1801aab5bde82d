import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodedSizes } from '../../src/render/encoded-size.js';
import type { CompiledVariant } from '../../src/render/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { BUSY_WEEK, BUSY_WEEK_ROLES, busyWeekCopy, SAMPLE_READERS, userTemplates } from './_fixtures.js';

/**
 * A reader of many roles in a week of many long summaries got a copy past Gmail's clip (~102 KB),
 * and the size gate refused the whole send for every reader. Such a copy now keeps its first
 * cards in full and lists the rest by headline, each linking to its story, under the limit.
 */

const ids = (html: string) => new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));

let many: CompiledVariant;
let message: { subject: string; html: string; text: string };
let browser: Browser;

beforeAll(async () => {
  many = await busyWeekCopy(BUSY_WEEK_ROLES);
  message = many.personalise(SAMPLE_READERS[0]!);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('a reader’s copy over the clip limit', () => {
  it('is sent under the limit, its last stories listed by headline, not refused', async () => {
    expect(many.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const warning = many.problems.find((p) => /by headline/.test(p.message));
    expect(warning?.severity).toBe('warning');
    expect(warning?.message).toMatch(/over the 100 KB limit/);
    expect(warning?.message).toContain(`readers of ${BUSY_WEEK_ROLES.join(', ')}`);
    expect((await encodedSizes(message)).htmlBytes / 1024).toBeLessThan(100);
  });

  it('keeps every story: each in full or as a headline linking to it, and each contents entry leads to one', () => {
    const { html, text } = message;
    const full = html.match(/<h3\b/g)?.length ?? 0;
    const listed = [...html.matchAll(/<li id="(rc-[^"]+)"[^>]*><a href="([^"]+)"/g)];
    expect(full).toBeGreaterThan(0);
    expect(listed.length).toBeGreaterThan(0);
    expect(full + listed.length).toBe(BUSY_WEEK.length);
    expect(html).toContain(`${listed.length} more stories in this issue`);
    for (const [, , href] of listed) expect(href).toMatch(/^https:\/\/example\.org\/stories\/\d+$/);
    const anchors = ids(html);
    for (const [, target] of html.matchAll(/href="#([^"]+)"/g)) expect(anchors.has(target)).toBe(true);
    // The footer the clip would have hidden, and the headlines in the plain text too.
    expect(html).toContain('https://test.example/u?token=a&amp;list=b');
    expect(text).toContain(`== ${listed.length} more stories in this issue ==`);
    for (const [, , href] of listed) expect(text).toContain(href);
    expect(text).toContain('Read the whole issue online: https://test.example/archive/2026-W48/');
  });

  it('leaves a copy that fits as it was', async () => {
    const one = await busyWeekCopy(['CTO']);
    expect(one.problems.filter((p) => /by headline|limit/.test(p.message))).toEqual([]);
    expect(one.personalise(SAMPLE_READERS[0]!).html).not.toContain('more stories in this issue');
  });

  it('keeps the warnings of its whole copy: a card with no link among those cut, and the colours its templates write', async () => {
    // Half the stories have no link and no archive page; an intro line of the editor's is dark on the dark scheme.
    const week = BUSY_WEEK.map((s, i) => (i >= 10 ? { ...s, url: undefined } : s));
    const dir = await userTemplates({
      'partials/intro.mjml.hbs': (source) =>
        source.replace(
          /^(.*\{\{greeting\}\}.*)$/m,
          '$1\n    <mj-text><p style="margin:0;color:#333333">A word from the desk</p></mj-text>',
        ),
    });
    const urls = { unsubscribe: 'https://test.example/unsubscribe', preferences: 'https://test.example/preferences' };
    const cut = await busyWeekCopy(BUSY_WEEK_ROLES, { urls }, dir, week);
    const messages = cut.problems.map((p) => p.message);
    expect(messages.filter((m) => /by headline/.test(m))).toHaveLength(1);
    expect(cut.personalise(SAMPLE_READERS[0]!).html).toContain('more stories in this issue');
    const unlinked = messages.filter((m) => /^card "story-\d+" has no link/.test(m));
    expect(unlinked.sort()).toEqual(
      week.slice(10).map((s) => `card "${s.id}" has no link (no article URL and no archive page)`),
    );
    expect(
      messages.filter((m) => /"A word from the desk" is #333333 on #[0-9a-f]{6} in the dark scheme/.test(m)),
    ).toHaveLength(1);
    expect(cut.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('is refused, naming its roles and its size at its shortest, when even headlines do not fit', async () => {
    const tight = await busyWeekCopy(BUSY_WEEK_ROLES, { sizeLimitKb: 20, sizeWarnKb: 10 });
    const error = tight.problems.find((p) => p.severity === 'error')!;
    expect(error.message).toMatch(/over the 20 KB limit/);
    expect(error.message).toMatch(/still over the limit and [\d.]+ KB with only its lead story in full/);
    expect(error.message).toContain(`readers of ${BUSY_WEEK_ROLES.join(', ')}`);
    expect(error.hint).toMatch(/shorten or drop summaries/);
  });

  it('is refused as before, saying how to keep it whole, when a layout of one’s own prints no headlines', async () => {
    const dir = await userTemplates({
      'digest.mjml.hbs': (source) => source.replace(/\{\{#if headlines\}\}[\s\S]*?\{\{\/if\}\}\n/, ''),
    });
    const old = await busyWeekCopy(BUSY_WEEK_ROLES, {}, dir);
    const error = old.problems.find((p) => p.severity === 'error')!;
    expect(error.message).toMatch(/over the 100 KB limit/);
    expect(error.hint).toMatch(/copy the headlines block/);
  });
});

describe('the headlines in Chromium', () => {
  for (const width of [320, 600])
    for (const scheme of ['light', 'dark'] as const)
      it(`read at ${width} px in the ${scheme} scheme: no sideways scroll, links and bullets legible on their box`, async () => {
        const page = await browser.newPage({ viewport: { width, height: 800 } });
        try {
          await page.emulateMedia({ colorScheme: scheme });
          await page.setContent(message.html);
          const seen = await page.evaluate(() => {
            const rgb = (c: string) => c.match(/\d+/g)!.slice(0, 3).map(Number);
            const lum = ([r, g, b]: number[]) =>
              [r!, g!, b!]
                .map((v) => v / 255)
                .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
                .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
            const ratio = (a: string, b: string) => {
              const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
              return (x! + 0.05) / (y! + 0.05);
            };
            const items = [...document.querySelectorAll('li[id] > a')] as HTMLElement[];
            const box = items[0]!.closest('td')!;
            return {
              scroll: document.documentElement.scrollWidth - window.innerWidth,
              items: items.length,
              contrast: Math.min(
                ...items.map((a) => ratio(getComputedStyle(a).color, getComputedStyle(box).backgroundColor)),
              ),
              // The bullets take the list item's colour: on a dark box they must not be dark.
              bullets: ratio(getComputedStyle(items[0]!.parentElement!).color, getComputedStyle(box).backgroundColor),
              outside: items.filter((a) => a.getBoundingClientRect().right > window.innerWidth).length,
            };
          });
          expect(seen.items).toBeGreaterThan(0);
          expect(seen.scroll).toBeLessThanOrEqual(0);
          expect(seen.outside).toBe(0);
          expect(seen.contrast).toBeGreaterThanOrEqual(4.5);
          expect(seen.bullets).toBeGreaterThanOrEqual(3);
        } finally {
          await page.close();
        }
      });
});
