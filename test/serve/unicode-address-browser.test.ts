import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { launchBrowser } from '../helpers/browser.js';
import { readerRecord } from '../helpers/readers.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * Readers whose address needs SMTPUTF8 (a non-ASCII part before the @), in headless Chromium with
 * scripts off: the browser's own check of an email field refuses such an address, so the reader
 * pages must not leave that check to it.
 */

const SECRET = 'unicode-address-browser-secret-0123456789';
const READER = 'jürgen@example.de';
let h: SignupServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
  browser = await launchBrowser();
  context = await browser.newContext({ javaScriptEnabled: false });
}, 60_000);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await h?.close();
});

describe('a reader whose address has a non-ASCII part before the @', () => {
  it('saves new roles on the preferences page, where their address fills the email field', async () => {
    await h.store.insert(
      readerRecord(READER, {
        roles: ['CTO'],
        consent: { at: '2026-12-01T10:00:00.000Z', method: 'cli', wording: null },
      }),
    );
    const page = await context.newPage();
    await page.goto(
      `${h.origin}/preferences?${new URLSearchParams({ token: signToken({ email: READER, listId: h.config.listId }, SECRET) })}`,
    );
    expect(await page.getByLabel('Email address').inputValue()).toBe(READER);
    await page.getByLabel('CTO', { exact: true }).uncheck();
    await page.getByLabel('Executive', { exact: true }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your changes are saved.').waitFor({ timeout: 5000 });
    expect((await h.store.get(READER))?.roles).toEqual(['Executive']);
    await page.close();
  });

  it('signs up from the form', async () => {
    const page = await context.newPage();
    await page.goto(`${h.origin}/subscribe`);
    await page.getByLabel('Email address').fill('zoë@example.net');
    await page.getByLabel('CTO', { exact: true }).check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor({ timeout: 5000 });
    expect(await h.mailCount(1)).toBe(1);
    expect(h.mails[0]?.to).toBe('zoë@example.net');
    await page.close();
  });
});
