import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveSite } from '../../src/archive/pages.js';
import { renderSummaryPage } from '../../src/archive/summary-page.js';
import { SummarySchema } from '../../src/model/summary.js';
import { launchBrowser } from '../helpers/browser.js';

/**
 * Archive pages on a phone: a summary that quotes a long address or a long word (a package name,
 * a hash) must wrap inside the screen, as the email's cards do, not widen the page.
 */

const site: ArchiveSite = {
  lang: 'en',
  title: 'Weekly',
  baseUrl: undefined,
  atomId: 'tag:test',
  author: 'Test',
  primaryColor: '#1f3a5f',
};
const LONG_URL = `https://example.com/articles/${'a-long-path-segment/'.repeat(6)}?utm_source=newsletter&utm_medium=email`;
const LONG_WORD = `sha256:${'9f86d081884c7d659a2feaa0c55ad015'.repeat(2)}`;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function scrollWidthAt(html: string, width: number): Promise<number> {
  const page = await browser.newPage({ viewport: { width, height: 667 } });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    return await page.evaluate(() => document.documentElement.scrollWidth);
  } finally {
    await page.close();
  }
}

describe('an archive summary page on a 375 px phone', () => {
  it('wraps a long address and a long word in every part of the summary, without scrolling sideways', async () => {
    const summary = SummarySchema.parse({
      id: 'one',
      title: `Pinning ${LONG_WORD}`,
      summary: `The post at ${LONG_URL} explains why.`,
      takeaway: `Pin ${LONG_WORD}.`,
      insights: `See ${LONG_URL}`,
      practice: [`Read ${LONG_URL}`],
      topics: [LONG_WORD],
      roles: ['CTO'],
      source: LONG_WORD,
      url: LONG_URL,
    });
    const html = renderSummaryPage({ site, language: 'en', summary, issueTitle: LONG_WORD, issueHref: '../' });
    expect(await scrollWidthAt(html, 375)).toBeLessThanOrEqual(375);
  });
});
