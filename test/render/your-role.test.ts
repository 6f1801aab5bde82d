import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { createRenderer } from '../../src/render/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { fixtureProject } from './_fixtures.js';

/**
 * The chip that marks the reader's own role among a card's roles is announced by a screen reader
 * (a title attribute alone is not), and looks as it did: the words are there for the screen reader
 * only, in real Chromium.
 */

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let browser: Browser;
let html: string;
beforeAll(async () => {
  browser = await launchBrowser();
  const project = fixtureProject();
  const { summaries, manifest } = project.issue;
  const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), ['CTO']);
  const compiled = await (await createRenderer(project)).compile(variant);
  html = compiled.personalise({
    email: 'ada@example.com',
    name: 'Ada',
    unsubscribeUrl: 'https://test.example/unsubscribe?token=abc',
    preferencesUrl: 'https://test.example/preferences?token=abc',
  }).html;
});
afterAll(async () => {
  await browser?.close();
});

it('names the reader’s role to a screen reader, without changing how the chip looks', async () => {
  const page = await browser.newPage({ viewport: { width: 600, height: 900 } });
  try {
    await page.setContent(html);
    const chip = page.locator('strong.rc-mine');
    expect(await chip.count()).toBe(1);
    const snapshot = await chip.ariaSnapshot();
    expect(snapshot).toContain('CTO (your role)');
    // The chip and its line measure the same with the screen-reader words taken out.
    const sizes = await chip.evaluate((strong) => {
      const line = strong.closest('p')!;
      const measure = () => {
        const box = strong.getBoundingClientRect();
        return [box.width, box.height, line.getBoundingClientRect().height];
      };
      const shown = measure();
      // As a client that drops `position` (Gmail) shows it.
      const hidden = strong.querySelector('span')!;
      hidden.style.removeProperty('position');
      const unpositioned = measure();
      hidden.remove();
      return { shown, unpositioned, plain: measure(), text: strong.textContent };
    });
    expect(sizes.text).toBe('CTO');
    expect(sizes.shown).toEqual(sizes.plain);
    expect(sizes.unpositioned).toEqual(sizes.plain);
  } finally {
    await page.close();
  }
});

it('has no serious accessibility violations', async () => {
  const page = await browser.newPage({ viewport: { width: 375, height: 667 } });
  try {
    await page.setContent(html);
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: { run: (o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
        }
      ).axe;
      const result = await axe.run({ resultTypes: ['violations'] });
      return result.violations.map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}`);
    });
    expect(violations.filter((v) => /\((serious|critical)\)/.test(v))).toEqual([]);
  } finally {
    await page.close();
  }
});
