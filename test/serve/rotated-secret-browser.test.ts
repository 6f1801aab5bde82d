import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { launchBrowser, watchScriptErrors } from '../helpers/browser.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * The preferences page after the signing key was changed, as a reader sees it in Chromium: a link
 * from an email signed with the earlier key (kept in ROLECAST_SECRET_PREVIOUS) still opens the
 * reader's settings; a link no key verifies changes nothing and says how to unsubscribe.
 */

const SECRET = 'rotated-secret-browser-new-key-0123456789';
const PREVIOUS = 'rotated-secret-browser-old-key-0123456789';
const UNKNOWN = 'rotated-secret-browser-other-key-012345678';
let browser: Browser;
let h: SignupServer | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await context?.close();
  context = undefined;
  await h?.close();
  h = undefined;
});

async function open(server: SignupServer, key: string): Promise<{ page: Page; errors: string[] }> {
  context = await browser.newContext({ locale: 'en-GB', viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  const errors = watchScriptErrors(page, (line) => line.includes('400'));
  const token = signToken({ email: 'ines@example.org', listId: server.config.listId }, key);
  await page.goto(`${server.origin}/preferences?${new URLSearchParams({ token })}`);
  return { page, errors };
}

describe('the preferences page after the signing key changed, in Chromium', () => {
  it('opens the settings from a link signed with the earlier key', async () => {
    h = await startSignupServer({ secret: SECRET, previousSecrets: [PREVIOUS], now: () => new Date() });
    const { page, errors } = await open(h, PREVIOUS);
    await expect(page.locator('select#weeks').isVisible()).resolves.toBe(true);
    expect(errors).toEqual([]);
  });

  it('changes nothing for a link no key verifies, and says how to unsubscribe', async () => {
    h = await startSignupServer({ secret: SECRET, previousSecrets: [PREVIOUS], now: () => new Date() });
    const { page, errors } = await open(h, UNKNOWN);
    await page.getByRole('heading', { level: 1, name: 'This link could not be verified' }).waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Nothing was changed');
    expect(text).toContain('use the unsubscribe link in our latest email');
    await expect(page.locator('select#weeks').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  });
});
