import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/load/limits.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { launchBrowser, watchScriptErrors } from '../helpers/browser.js';
import { readerRecord } from '../helpers/readers.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * The name fields' limit as a reader meets it in Chromium at phone width: the hint is the field's
 * description to a screen reader, in the page's language, and a longer name typed in stops at the
 * length the hint gives.
 */

const SECRET = 'name-limit-browser-secret-0123456789';
let browser: Browser;
let h: SignupServer | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function open(url: string, locale: string) {
  const context = await browser.newContext({ locale, viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  const errors = watchScriptErrors(page);
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

describe('a name field in Chromium', () => {
  it('on the signup page is described by its limit and keeps no more of a longer name', async () => {
    h = await startSignupServer({ secret: SECRET, now: () => new Date('2026-12-01T10:00:00Z') });
    const { page, errors, close } = await open(`${h.origin}/subscribe`, 'en-GB');
    try {
      const name = page.locator('input#name');
      expect(await name.evaluate((input) => input.getAttribute('aria-describedby'))).toBeTruthy();
      const described = await name.evaluate((input) =>
        (input.getAttribute('aria-describedby') ?? '')
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent?.trim())
          .join(' '),
      );
      expect(described).toBe(`Up to ${LIMITS.nameLength} characters.`);
      await name.fill('Ö'.repeat(LIMITS.nameLength + 40));
      await name.pressSequentially('xyz');
      expect((await name.inputValue()).length).toBe(LIMITS.nameLength);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("on the preferences page says it for both name fields in the reader's language", async () => {
    h = await startSignupServer({ secret: SECRET, now: () => new Date('2026-12-01T10:00:00Z') });
    await h.store.insert(readerRecord('leser@example.com', { roles: ['CTO'], locale: 'de' }));
    const token = signToken({ email: 'leser@example.com', listId: h.config.listId }, SECRET);
    const { page, errors, close } = await open(`${h.origin}/preferences?${new URLSearchParams({ token })}`, 'de-DE');
    try {
      for (const id of ['name', 'firstName']) {
        const field = page.locator(`input#${id}`);
        const hintId = await field.getAttribute('aria-describedby');
        expect(hintId).toBeTruthy();
        expect((await page.locator(`[id="${hintId}"]`).textContent())?.trim()).toBe(
          `Bis zu ${LIMITS.nameLength} Zeichen.`,
        );
        expect(await page.locator(`[id="${hintId}"]`).isVisible()).toBe(true);
      }
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});
