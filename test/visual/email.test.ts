import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { REPO_ROOT } from '../helpers/project.js';
import { exampleAudience } from '../render/_example.js';
import { comparePng } from './_compare.js';

/**
 * The example issue's messages in headless Chromium: accessibility (axe-core), layout on a phone,
 * and screenshots compared with committed baselines. `npm run screenshots -- --update` rewrites
 * the baselines; review them like any other change.
 */

const BASELINE_DIR = join(REPO_ROOT, 'test/visual/baseline');
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts/visual');
const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** The editor edition and two readers: one English, one German. */
const SHOTS = ['editor', 'cto', 'cto+executive'] as const;
const WIDTHS = [680, 375] as const;
const SCHEMES = ['light', 'dark'] as const;
const PHONE = { width: 375, height: 667 };
/** Header, contents and the first cards: where layout breaks show first, at a size a repository can keep. */
const MAX_HEIGHT = 2000;

/** Regular, bold and oblique faces the templates use; a synthesised oblique would change the pixels. */
const REQUIRED_FONTS = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'].map(
  (name) => `/usr/share/fonts/truetype/dejavu/${name}`,
);

let browser: Browser;
let audience: Awaited<ReturnType<typeof exampleAudience>>;
const html = new Map<string, string>();

beforeAll(async () => {
  // Greyscale anti-aliasing and no hinting: the same pixels on every machine with the same fonts.
  // Only the DejaVu fonts (.ci/run installs them), whatever else the machine has.
  const fontsConf = fileURLToPath(new URL('./fonts.conf', import.meta.url));
  for (const face of REQUIRED_FONTS) {
    expect(existsSync(face), `${face} is missing: apt-get install fonts-dejavu-core fonts-dejavu-extra`).toBe(true);
  }
  browser = await launchBrowser(
    [
      '--font-render-hinting=none',
      '--disable-lcd-text',
      '--disable-font-subpixel-positioning',
      '--force-color-profile=srgb',
      '--hide-scrollbars',
    ],
    { FONTCONFIG_FILE: fontsConf },
  );
  audience = await exampleAudience();
  for (const [id, variant] of audience.compiled) {
    html.set(id, audience.messageFor(variant, audience.readerOf(id)).html);
  }
  await mkdir(ARTIFACTS, { recursive: true });
}, 180_000);
afterAll(async () => {
  await browser?.close();
});

async function open(id: string, viewport: { width: number; height: number }, scheme: 'light' | 'dark'): Promise<Page> {
  const page = await browser.newPage({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
  await page.setContent(html.get(id)!, { waitUntil: 'load' });
  return page;
}

describe('every variant of the example issue in Chromium', () => {
  it('has no serious accessibility violations, in light and dark', async () => {
    const found: string[] = [];
    for (const id of html.keys()) {
      for (const scheme of SCHEMES) {
        const page = await open(id, PHONE, scheme);
        try {
          await page.addScriptTag({ path: AXE });
          const violations = await page.evaluate(async () => {
            const axe = (
              globalThis as unknown as {
                axe: {
                  run: (o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }>;
                };
              }
            ).axe;
            const result = await axe.run({ resultTypes: ['violations'] });
            return result.violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length }));
          });
          for (const v of violations) {
            if (v.impact === 'serious' || v.impact === 'critical') found.push(`${id} (${scheme}): ${v.id} ×${v.count}`);
          }
        } finally {
          await page.close();
        }
      }
    }
    expect(found).toEqual([]);
  }, 300_000);

  it('fits a 375 px phone, shows the first headline without scrolling, and links every card', async () => {
    expect(html.size).toBeGreaterThan(5);
    for (const id of html.keys()) {
      const page = await open(id, PHONE, 'light');
      try {
        const layout = await page.evaluate(() => {
          const first = document.querySelector('.rc-contents li a');
          const cards = [...document.querySelectorAll('.rc-card h2, .rc-card h3')];
          return {
            scrollWidth: document.documentElement.scrollWidth,
            firstBottom: first ? first.getBoundingClientRect().bottom : Number.POSITIVE_INFINITY,
            cards: cards.length,
            linked: cards.filter((h) => /^https?:\/\//.test(h.querySelector('a')?.getAttribute('href') ?? '')).length,
          };
        });
        expect(layout.scrollWidth, `${id}: horizontal overflow`).toBeLessThanOrEqual(PHONE.width);
        expect(layout.firstBottom, `${id}: first headline below the fold`).toBeLessThanOrEqual(PHONE.height);
        expect(layout.cards, id).toBe(audience.compiled.get(id)!.variant.summaryIds.length);
        expect(layout.linked, `${id}: cards without a link`).toBe(layout.cards);
      } finally {
        await page.close();
      }
    }
  }, 180_000);
});

describe('tap targets on a 375 px phone', () => {
  // WCAG 2.5.8 asks 24 × 24 CSS px of a link that is not part of a sentence; a button, the 44 px a
  // thumb needs (Apple's and Google's guidance).
  it('gives every contents arrow, footer and full-summary link 24 × 24 px, and every card button 44 px', async () => {
    const small: string[] = [];
    for (const id of html.keys()) {
      const page = await open(id, PHONE, 'light');
      try {
        const targets = await page.evaluate(() => {
          const box = (kind: string, a: Element) => {
            const r = a.getBoundingClientRect();
            return { kind, text: a.textContent ?? '', width: r.width, height: r.height };
          };
          return [
            ...[...document.querySelectorAll('.rc-contents a.rc-link')].map((a) => box('arrow', a)),
            ...[...document.querySelectorAll('.rc-footer a')].map((a) => box('footer', a)),
            ...[...document.querySelectorAll('a.rc-more')].map((a) => box('more', a)),
            ...[...document.querySelectorAll('a.rc-button')].map((a) => box('button', a)),
          ];
        });
        expect(targets.filter((t) => t.kind === 'footer').length, `${id}: footer links`).toBeGreaterThanOrEqual(2);
        expect(targets.filter((t) => t.kind === 'button').length, `${id}: card buttons`).toBeGreaterThan(0);
        for (const t of targets) {
          const least = t.kind === 'button' ? { width: 44, height: 44 } : { width: 24, height: 24 };
          if (t.width < least.width || t.height < least.height)
            small.push(`${id}: ${t.kind} "${t.text}" ${t.width.toFixed(0)} × ${t.height.toFixed(0)} px`);
        }
      } finally {
        await page.close();
      }
    }
    expect(small).toEqual([]);
  }, 180_000);
});

describe('screenshots against the committed baselines', () => {
  for (const id of SHOTS) {
    for (const width of WIDTHS) {
      for (const scheme of SCHEMES) {
        const name = `${id}-${width}-${scheme}`;
        it(name, async () => {
          const page = await open(id, { width, height: 900 }, scheme);
          let png: Buffer;
          try {
            const height = await page.evaluate(() => document.documentElement.scrollHeight);
            const clip = { x: 0, y: 0, width, height: Math.min(height, MAX_HEIGHT) };
            png = await page.screenshot({ fullPage: true, clip, animations: 'disabled', caret: 'hide' });
          } finally {
            await page.close();
          }
          const file = join(BASELINE_DIR, `${name}.png`);
          if (UPDATE) {
            await mkdir(BASELINE_DIR, { recursive: true });
            await writeFile(file, png);
          }
          expect(existsSync(file), `${file} is missing; run npm run screenshots -- --update`).toBe(true);
          const result = comparePng(png, await readFile(file));
          if (!result.ok) {
            await writeFile(join(ARTIFACTS, `${name}.actual.png`), png);
            await writeFile(join(ARTIFACTS, `${name}.diff.png`), result.diff);
          }
          expect(
            result.ok,
            `${name}: ${result.differing} pixels (${(result.ratio * 100).toFixed(2)} %) differ, ${result.sizes}; see ${ARTIFACTS}, and if intended run npm run screenshots -- --update`,
          ).toBe(true);
        });
      }
    }
  }
});
