import { describe, expect, it } from 'vitest';
import { browserPerFile } from '../helpers/browser.js';
import { busyWeekCopy, SAMPLE_READERS } from './_fixtures.js';

/**
 * On a phone a finger needs about 44 px: the footer's links (change your roles, unsubscribe, view
 * online), "Read the full summary" and "Read the whole issue online" were 24 px high, easy to miss
 * or to tap the wrong one. Below 480 px they are 44 px high; on a wide screen they stay 24 px, so
 * the layout there does not grow. Measured in Chromium.
 */

const browser = browserPerFile();

async function heights(html: string, width: number): Promise<Record<string, number>> {
  const page = await browser().newPage({ viewport: { width, height: 900 } });
  try {
    await page.setContent(html);
    return await page.evaluate(() => {
      const out: Record<string, number> = {};
      for (const a of document.querySelectorAll('a')) {
        const name = a.textContent?.trim() ?? '';
        if (/^(Change your roles|Unsubscribe|View online|Read the full summary|Read the whole issue online)/.test(name))
          out[name] = Math.min(out[name] ?? Number.POSITIVE_INFINITY, Math.round(a.getBoundingClientRect().height));
      }
      return out;
    });
  } finally {
    await page.close();
  }
}

describe('the tap targets of the main links', () => {
  it('are 44 px high at 320 px and 24 px at 600 px', async () => {
    // Compact cards cut short ("Read the full summary"), cut to headlines under 50 KB ("Read the whole issue online").
    const copy = await busyWeekCopy(['CTO'], { cards: { style: 'compact' }, sizeLimitKb: 50, sizeWarnKb: 40 });
    const { html } = copy.personalise(SAMPLE_READERS[0]!);
    const phone = await heights(html, 320);
    expect(Object.keys(phone).sort()).toEqual([
      'Change your roles',
      'Read the full summary',
      'Read the whole issue online →',
      'Unsubscribe',
      'View online',
    ]);
    for (const [name, height] of Object.entries(phone)) expect(height, name).toBeGreaterThanOrEqual(44);
    const wide = await heights(html, 600);
    for (const [name, height] of Object.entries(wide)) expect(height, name).toBe(24);
  });
});
