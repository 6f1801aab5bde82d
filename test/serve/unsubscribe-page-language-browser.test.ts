import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { browserPerFile } from '../helpers/browser.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * The unsubscribe link in every message's footer opened a page in English whatever the reader's
 * language, while the signup, confirmation and preferences pages speak the browser's language or
 * the list's: a German reader was asked "Unsubscribe?" and told "You are unsubscribed" in English.
 * In headless Chromium with scripts off, as a German and an English browser, on a 320 px screen.
 */

const SECRET = 'unsubscribe-page-language-key-0123456789a';
const browser = browserPerFile();

let h: SignupServer;
beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
});
afterEach(() => h.close());

const link = (email: string) =>
  `${h.origin}/unsubscribe?${new URLSearchParams({ token: signToken({ email, listId: h.config.listId }, SECRET) })}`;

async function open(locale: string) {
  const context = await browser().newContext({
    locale,
    javaScriptEnabled: false,
    viewport: { width: 320, height: 640 },
  });
  return { context, page: await context.newPage() };
}

const suppressed = (email: string) => h.db.prepare('SELECT email FROM suppressions WHERE email = ?').get(email);

describe("the footer's unsubscribe page", () => {
  it("asks and answers in a German browser's language, and unsubscribes by its button", async () => {
    const { context, page } = await open('de-DE');
    try {
      await page.goto(link('leser@example.com'));
      expect(await page.getAttribute('html', 'lang')).toBe('de');
      expect(await page.getByRole('heading').textContent()).toBe('Abmelden?');
      expect(suppressed('leser@example.com')).toBeUndefined();
      await page.getByRole('button', { name: 'Abmelden' }).click();
      await page.getByRole('heading', { name: 'Sie sind abgemeldet' }).waitFor({ timeout: 10_000 });
      expect(await page.locator('main').textContent()).toContain('l••••@example.com');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(320);
      expect(suppressed('leser@example.com')).toBeDefined();
      // A damaged link is said to be one, in German too.
      const bad = await page.goto(`${link('leser@example.com').slice(0, -4)}`);
      expect(bad?.status()).toBe(400);
      expect(await page.getByRole('heading').textContent()).toBe('Dieser Link ist ungültig');
    } finally {
      await context.close();
    }
  });

  it('stays English in an English browser, and on a long address fits the screen', async () => {
    const { context, page } = await open('en-GB');
    const reader = 'firstname.lastname@a-rather-long-department-subdomain.example-company.com';
    try {
      await page.goto(link(reader));
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(320);
      await page.getByRole('button', { name: 'Unsubscribe' }).click();
      await page.getByRole('heading', { name: 'You are unsubscribed' }).waitFor({ timeout: 10_000 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(320);
      expect(suppressed(reader)).toBeDefined();
    } finally {
      await context.close();
    }
  });
});
