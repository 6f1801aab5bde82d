import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { createRenderer } from '../../src/render/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { fixtureProject, SAMPLE_READERS } from './_fixtures.js';

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
  // A reader of both roles: the CTO story, under the band "For CTO", marks Executive only.
  const variant = buildVariant(summaries, effectiveRoleOrder(summaries, manifest.roleOrder), ['CTO', 'Executive']);
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
    expect(snapshot).toContain('Executive (your role)');
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
    expect(sizes.text).toBe('Executive');
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

it('is announced once: the chip’s words say it, with no description (its title) repeating them', async () => {
  const page = await browser.newPage({ viewport: { width: 600, height: 900 } });
  try {
    await page.setContent(html);
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: {
        ignored?: boolean;
        role?: { value?: string };
        name?: { value?: string };
        description?: { value?: string };
      }[];
    };
    const shown = nodes.filter((node) => !node.ignored);
    const said = (role: string) => shown.filter((node) => node.role?.value === role);
    expect(said('StaticText').filter((node) => /^\(?your role\)?$/.test((node.name?.value ?? '').trim()))).toHaveLength(
      1,
    );
    expect(said('strong').map((node) => node.description?.value ?? '')).toEqual(['']);
  } finally {
    await page.close();
  }
});

it('stays on one line with its role in the plain text, wherever the line wraps', async () => {
  // "Best for: Executive, Role xxx…, CTO (your role)": one card for each place the 76 columns can
  // end, under the reader's Executive section, so the CTO is marked.
  const summaries = Array.from({ length: 24 }, (_, k) => ({
    id: `s${k}`,
    roles: ['Executive', `Chief ${'x'.repeat(30 + k)}`, 'CTO'],
    url: `https://example.com/${k}`,
  }));
  const project = fixtureProject({ summaries, manifest: { roleOrder: ['Executive', 'CTO'] } });
  const { issue } = project;
  const variant = buildVariant(issue.summaries, effectiveRoleOrder(issue.summaries, issue.manifest.roleOrder), [
    'Executive',
    'CTO',
  ]);
  const { text } = (await (await createRenderer(project)).compile(variant)).personalise(SAMPLE_READERS[0]!);
  // No line ends with the role or inside the words, and each card's line holds them whole.
  expect(text).not.toMatch(/CTO\n|\(your\n|\n\s*\(your|\n\s*role\)/);
  expect(text.match(/CTO[ \u00a0]\(your[ \u00a0]role\)/g)).toHaveLength(summaries.length);
});
