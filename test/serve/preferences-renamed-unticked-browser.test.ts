import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { launchBrowser, watchScriptErrors } from '../helpers/browser.js';
import { readerRecord } from '../helpers/readers.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * The preferences page in Chromium for a reader whose roles roles.yaml renamed or dropped since
 * they chose them, who unticks every box (refused: they would get nothing); for a suppressed reader; and from an old message's
 * link after the reader moved their address.
 */

const SECRET = 'preferences-renamed-unticked-secret-0123456789';
const CONSENT = { at: '2026-11-01T10:00:00.000Z', method: 'import' as const, wording: 'list.json' };
let browser: Browser;
let h: SignupServer | undefined;
let context: BrowserContext | undefined;
let scriptErrors: string[] = [];

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

async function openPage(server: SignupServer, email: string): Promise<Page> {
  context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  scriptErrors = watchScriptErrors(page);
  const token = signToken({ email, listId: server.config.listId }, SECRET);
  await page.goto(`${server.origin}/preferences?${new URLSearchParams({ token })}`);
  return page;
}

const checkedRoles = (page: Page) =>
  page
    .locator('input[name=roles]:checked')
    .evaluateAll((boxes) => boxes.map((box) => (box as HTMLInputElement).value).sort());

async function untickAllAndSave(page: Page) {
  for (const box of await page.locator('input[name=roles]').all()) if (await box.isChecked()) await box.uncheck();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Your changes are saved.').waitFor();
}

describe('the preferences page in Chromium', () => {
  it('shows a renamed role as the role it stands for and a dropped one as held; unticking all is refused, the roles kept', async () => {
    h = await startSignupServer({ secret: SECRET, now: () => new Date() });
    const reader = 'ann@example.com';
    await h.store.insert(readerRecord(reader, { roles: ['Head of ML', 'Growth Hacker'], consent: CONSENT }));
    const page = await openPage(h, reader);
    expect(await checkedRoles(page)).toEqual(['Director of AI/ML', 'Growth Hacker']);
    for (const box of await page.locator('input[name=roles]').all()) if (await box.isChecked()) await box.uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('alert').getByText('Nothing was saved').waitFor();
    // The page shows what they still get, and the way to stop everything.
    expect(await checkedRoles(page)).toEqual(['Director of AI/ML', 'Growth Hacker']);
    expect(await page.getByRole('button', { name: 'Unsubscribe from everything' }).isVisible()).toBe(true);
    const stored = await h.store.get(reader);
    expect(stored?.roles).toEqual(['Head of ML', 'Growth Hacker']);
    expect(stored?.readerFields?.roles).toBeUndefined();
    expect(await h.store.auditOf(reader)).toEqual([]);
    expect(scriptErrors).toEqual([]);
  });

  it('a suppressed reader who saves roles, pauses or resumes stays suppressed and unsubscribed', async () => {
    h = await startSignupServer({ secret: SECRET, now: () => new Date() });
    const reader = 'bob@example.com';
    await h.store.insert(readerRecord(reader, { roles: ['CTO'], consent: CONSENT, status: 'unsubscribed' }));
    h.db
      .prepare(
        "INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, 'complaint', 'fbl', '2026-12-01')",
      )
      .run(reader);
    const page = await openPage(h, reader);
    const text = (await page.locator('main').textContent()) ?? '';
    const boxes = await page.locator('input[name=roles]').count();
    if (boxes > 0) {
      await page.getByLabel('Executive', { exact: true }).check();
      const save = page.getByRole('button', { name: 'Save changes' });
      if (await save.count()) await save.click();
    }
    for (const name of ['Resume', 'Resume now']) {
      const again = await openPage(h, reader);
      const button = again.getByRole('button', { name, exact: true });
      if (await button.count()) await button.click();
    }
    const stored = await h.store.get(reader);
    expect(stored?.status, text).toBe('unsubscribed');
    expect(h.db.prepare('SELECT count(*) AS n FROM suppressions WHERE email = ?').get(reader)).toEqual({ n: 1 });
  });

  it('an old link after an address change changes nothing of the new address', async () => {
    h = await startSignupServer({ secret: SECRET, now: () => new Date() });
    await h.store.insert(readerRecord('old@example.com', { roles: ['CTO'], consent: CONSENT }));
    expect(await h.store.rename('old@example.com', 'new@example.com', new Date())).toBe(true);
    const page = await openPage(h, 'old@example.com');
    expect(await page.content()).not.toContain('new@example.com');
    await untickAllAndSave(page);
    expect((await h.store.get('new@example.com'))?.roles).toEqual(['CTO']);
    const stillOld = await openPage(h, 'old@example.com');
    expect(await stillOld.content()).not.toContain('new@example.com');
    expect(scriptErrors).toEqual([]);
  });
});
