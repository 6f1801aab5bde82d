import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { exampleAudience } from './_example.js';

/**
 * What a reader sees above their first headline, in Chromium: each fact once. The role set is
 * named by the lead, the reads counted by the contents; a reader of one section gets no band
 * repeating both, and the header's date line no "For …" repeating the lead.
 */

let browser: Browser;
let audience: Awaited<ReturnType<typeof exampleAudience>>;

beforeAll(async () => {
  browser = await launchBrowser();
  audience = await exampleAudience();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** The text a reader sees from the top of the message down to its first card's headline. */
async function seenAboveFirstHeadline(variantId: string): Promise<string> {
  const variant = audience.compiled.get(variantId)!;
  const { html } = audience.messageFor(variant, audience.readerOf(variantId));
  const page = await browser.newPage({ viewport: { width: 375, height: 667 } });
  try {
    await page.setContent(html);
    return await page.evaluate(() => {
      const first = document.querySelector('.rc-card h2')!;
      const range = document.createRange();
      range.setStart(document.body, 0);
      range.setEndBefore(first);
      const holder = document.createElement('div');
      holder.append(range.cloneContents());
      document.body.append(holder);
      // innerText, as laid out: what CSS hides (the preheader) is not seen, uppercase is as shown.
      // biome-ignore lint/performance/useDomNodeTextContent: the text as laid out is what a reader sees
      const seen = holder.innerText;
      holder.remove();
      return seen;
    });
  } finally {
    await page.close();
  }
}

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

describe('a reader of one section, above their first headline', () => {
  it('sees their role named once and their reads counted once', async () => {
    const seen = await seenAboveFirstHeadline('cto');
    expect(count(seen, /\bCTO\b/gi), seen).toBe(1);
    expect(count(seen, /\b3 reads\b/gi), seen).toBe(1);
    expect(seen).toContain('For CTO this week, starting with');
    expect(seen).toMatch(/3 reads · about 3 mins/);
  });

  it('gets no section band; a reader of several sections keeps one per section', async () => {
    const one = audience.compiled.get('cto')!;
    expect(audience.messageFor(one, audience.readerOf('cto')).html).not.toContain('class="rc-band"');
    const two = audience.compiled.get('cto+executive')!;
    const html = audience.messageFor(two, audience.readerOf('cto+executive')).html;
    expect(html.match(/class="rc-band"/g)).toHaveLength(2);
  });

  it('reads the same in the plain text: no band line, no "For CTO" on the date line', () => {
    const { text } = audience.messageFor(audience.compiled.get('cto')!, audience.readerOf('cto'));
    const top = text.slice(0, text.indexOf('## '));
    expect(count(top, /\bCTO\b/g), top).toBe(1);
    expect(count(top, /\b3 reads\b/g), top).toBe(1);
    // The contents' own heading is the only one: no band line above the stories.
    expect(text.match(/^== .*$/gm)).toEqual(['== In this issue ==']);
  });
});

/**
 * A contents entry's ↗ link to the article ends the headline's last line on a narrow phone: an
 * arrow wrapped onto a line of its own reads as a stray entry.
 */
describe('the contents on a narrow phone', () => {
  it('keeps every contents arrow on its headline’s last line at 320, 360 and 414 px', async () => {
    const alone: string[] = [];
    let arrows = 0;
    for (const width of [320, 360, 414]) {
      const page = await browser.newPage({ viewport: { width, height: 800 } });
      try {
        for (const id of audience.compiled.keys()) {
          const variant = audience.compiled.get(id)!;
          await page.setContent(audience.messageFor(variant, audience.readerOf(id)).html);
          const found = await page.evaluate(() =>
            [...document.querySelectorAll('.rc-contents li')].flatMap((li) => {
              const [title, arrow] = li.querySelectorAll('a');
              if (!title || !arrow) return [];
              const lines = title.getClientRects();
              const last = lines[lines.length - 1]!;
              const box = arrow.getBoundingClientRect();
              return [{ title: title.textContent ?? '', alone: box.top >= last.bottom - 1 }];
            }),
          );
          arrows += found.length;
          for (const entry of found) if (entry.alone) alone.push(`${id} at ${width} px: ${entry.title}`);
        }
      } finally {
        await page.close();
      }
    }
    expect(arrows).toBeGreaterThan(20);
    expect(alone).toEqual([]);
  }, 120_000);
});
