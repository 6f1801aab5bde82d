import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { signConfirmToken, signCsrf } from '../../src/serve/readers/tokens.js';
import { browserPerFile, watchScriptErrors } from '../helpers/browser.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A reader who signed up just before ROLECAST_SECRET was rotated (the old key kept in
 * ROLECAST_SECRET_PREVIOUS) clicks through the real pages in Chromium: the confirmation link mailed
 * under the old key, the Confirm button, the link to their preferences, a change of roles, and
 * Unsubscribe pressed on a page whose form was signed before the rotation.
 */

const CURRENT = 'click-through-current-key-0123456789abcdef';
const OLD = 'click-through-old-key-0123456789abcdefghijk';
const READER = 'rotated.reader@example.com';
const OTHER = 'other.reader@example.com';

const browser = browserPerFile();
let h: SignupServer | undefined;
let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
  await h?.close();
  h = undefined;
});

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  context = await browser().newContext({ locale: 'en-GB', viewport: { width: 375, height: 800 } });
  // The links point at the configured public origin: Chromium is sent to this server for it.
  const publicOrigin = new URL(h!.config.urls.preferences!).origin;
  const local = h!.origin;
  await context.route(`${publicOrigin}/**`, async (route) => {
    const url = route.request().url().replace(publicOrigin, local);
    const response = await route.fetch({ url, maxRedirects: 0 });
    await route.fulfill({ response });
  });
  const page = await context.newPage();
  return { page, errors: watchScriptErrors(page) };
}

/** The confirmation link the old key signed for the nonce the store holds, as mailed before the rotation. */
async function linkMailedUnderOldKey(server: SignupServer, email: string): Promise<string> {
  const nonce = (await server.store.get(email))!.confirmNonce!;
  const token = signConfirmToken(
    {
      purpose: 'signup',
      listId: server.config.listId,
      email,
      from: undefined,
      nonce,
      expires: Date.now() / 1000 + 3600,
    },
    OLD,
  );
  return `${server.origin}/confirm?${new URLSearchParams({ token })}`;
}

describe('a reader clicking through after the signing key was rotated, in Chromium', () => {
  it('confirms, changes roles and unsubscribes from a page signed before the rotation; the unsubscribe is recorded', async () => {
    h = await startSignupServer({ secret: CURRENT, previousSecrets: [OLD], now: () => new Date() });
    const server = h;
    for (const email of [READER, OTHER]) await server.post('/subscribe', form({ email, roles: 'CTO' }));
    expect(await server.mailCount(2)).toBe(2);
    const { page, errors } = await newPage();
    const seen: string[] = [];
    await page.goto(await linkMailedUnderOldKey(server, READER));
    // Opening the link confirms nobody: the button does.
    expect((await server.store.get(READER))?.status).toBe('pending');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { level: 1, name: 'You are subscribed' }).waitFor();
    expect((await server.store.get(READER))?.status).toBe('active');
    seen.push(await page.content());

    await page.getByRole('link', { name: 'Choose your roles and settings' }).click();
    await page.getByRole('button', { name: 'Save changes' }).waitFor();
    await page.getByLabel('Executive', { exact: true }).check();
    await page.getByLabel('CTO', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your changes are saved.').waitFor();
    expect((await server.store.get(READER))?.roles).toEqual(['Executive']);
    await expect(page.getByLabel('Executive', { exact: true }).isChecked()).resolves.toBe(true);
    seen.push(await page.content());

    // The page as it was shown before the rotation: its forms carry a token the old key signed.
    const oldCsrf = signCsrf(READER, OLD, new Date());
    await page.locator('input[name=csrf]').evaluateAll((fields, value) => {
      for (const field of fields) (field as HTMLInputElement).value = value;
    }, oldCsrf);
    await page.getByRole('button', { name: 'Unsubscribe from everything' }).click();
    await page.waitForURL(/done=unsubscribed/);
    await page.getByText('You are unsubscribed.', { exact: true }).waitFor();
    await expect(page.getByRole('button', { name: 'Unsubscribe from everything' }).count()).resolves.toBe(0);
    seen.push(await page.content());
    expect((await server.store.get(READER))?.status).toBe('unsubscribed');
    expect(server.db.prepare('SELECT email FROM suppressions WHERE email = ?').get(READER)).toBeDefined();
    // The other reader is untouched and never named.
    expect((await server.store.get(OTHER))?.status).toBe('pending');
    for (const html of seen) expect(html).not.toContain(OTHER);
    expect(errors).toEqual([]);
  });
});
