import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { noteFileFields, overlayReaderChanges } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { launchBrowser, watchScriptErrors } from '../helpers/browser.js';
import { readerRecord } from '../helpers/readers.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * Two answers of the preferences page, as a reader sees them in Chromium: the page saying a change
 * was not saved when serve cannot keep it, in the reader's language; and the page showing the
 * file's values once the editor changed a field the reader had set.
 */

const SECRET = 'preferences-pages-browser-secret-0123456789';
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

async function newPage(locale: string): Promise<Page> {
  context = await browser.newContext({ locale, viewport: { width: 375, height: 800 } });
  const page = await context.newPage();
  scriptErrors = watchScriptErrors(page, (line) => line.includes('503'));
  return page;
}

const preferencesUrl = (server: SignupServer, email: string) =>
  `${server.origin}/preferences?${new URLSearchParams({ token: signToken({ email, listId: server.config.listId }, SECRET) })}`;

/** The state file restored from a backup under the running serve, which then writes no more. */
async function restoreStateUnderServe(server: SignupServer, reader: string): Promise<void> {
  const stateFile = join(server.config.stateDirAbs, 'state.db');
  const file = await server.project.write('list.json', JSON.stringify([{ email: reader, roles: ['CTO'] }]));
  const before = new Date(Date.now() - 3600_000);
  await utimes(file, before, before);
  const backup = server.project.path('backup.db');
  server.db.prepare('VACUUM INTO ?').run(backup);
  copyFileSync(backup, `${stateFile}.restoring`);
  renameSync(`${stateFile}.restoring`, stateFile);
  rmSync(`${stateFile}-wal`, { force: true });
  rmSync(`${stateFile}-shm`, { force: true });
}

describe('a pause serve cannot keep, in Chromium', () => {
  it.each([
    ['en-GB', 'Your change was not saved', 'Nothing was changed'],
    ['de-DE', 'Ihre Änderung wurde nicht gespeichert', 'Es wurde nichts geändert'],
  ])('tells a reader browsing in %s, in their language, that nothing changed', async (locale, heading, body) => {
    h = await startSignupServer({ secret: SECRET, now: () => new Date() });
    const reader = 'jonas@example.org';
    await restoreStateUnderServe(h, reader);
    const page = await newPage(locale);
    await page.goto(preferencesUrl(h, reader));
    const form = page.locator('form', { has: page.locator('select#weeks') });
    await form.locator('select#weeks').selectOption('2');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      form.locator('button[type=submit]').click(),
    ]);
    expect(answer.status()).toBe(503);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    expect(await page.locator('main').textContent()).toContain(body);
    expect(await page.locator('html').getAttribute('lang')).toBe(locale.slice(0, 2));
    // The reader's address is not repeated on a page any form post can reach.
    expect(await page.content()).not.toContain(reader);
    expect(scriptErrors).toEqual([]);
  });
});

describe('a pause serve cannot keep, for a reader who chose their language', () => {
  it('is answered in the language of their page, German, whatever the browser asks for', async () => {
    h = await startSignupServer({ secret: SECRET, now: () => new Date() });
    const reader = 'greta@example.org';
    await h.store.insert(
      readerRecord(reader, { roles: ['CTO'], locale: 'de-DE', confirmedAt: '2026-12-01T10:00:00.000Z' }),
    );
    await restoreStateUnderServe(h, 'someone.else@example.org');
    const page = await newPage('en-GB');
    await page.goto(preferencesUrl(h, reader));
    await page.getByRole('heading', { level: 1, name: 'Ihre Einstellungen' }).waitFor();
    await page.getByLabel('Pausieren für').selectOption('2');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Pausieren', exact: true }).click(),
    ]);
    expect(answer.status()).toBe(503);
    await page.getByRole('heading', { level: 1, name: 'Ihre Änderung wurde nicht gespeichert' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(scriptErrors).toEqual([]);
  });
});

describe('the preferences page after the editor changed fields the reader had set, in Chromium', () => {
  it('shows the roles, name and zone the reader is now mailed, and saves them unchanged', async () => {
    const now = () => new Date('2026-12-05T08:00:00.000Z');
    h = await startSignupServer({ secret: SECRET, now });
    const server = h;
    const chose = '2026-12-01T10:00:00.000Z';
    await server.store.insert(
      readerRecord('ann@example.com', {
        name: 'Annie',
        roles: ['Executive'],
        timezone: 'Asia/Tokyo',
        readerChangedAt: chose,
        readerFields: { name: chose, roles: chose, timezone: chose },
      }),
    );
    const send = async (entry: Subscriber, day: number) => {
      const readers = new Map((await server.store.list()).map((r) => [r.email, r]));
      const at = new Date(Date.UTC(2026, 11, day, 8));
      await noteFileFields(server.store, overlayReaderChanges([entry], readers, new Date('2026-11-20'), at).notes, at);
    };
    const ann: Subscriber = { email: 'ann@example.com', name: 'Ann Lee', roles: ['CTO'], status: 'active' };
    await send(ann, 2);
    await send({ ...ann, name: 'Ann Lee-Smith', roles: ['Software Engineer', 'CTO'], timezone: 'Europe/Berlin' }, 3);

    const page = await newPage('en-GB');
    await page.goto(preferencesUrl(server, 'ann@example.com'));
    const checked = await page
      .locator('input[name=roles]:checked')
      .evaluateAll((boxes) => boxes.map((box) => (box as HTMLInputElement).value).sort());
    expect(checked).toEqual(['CTO', 'Software Engineer']);
    await expect(page.getByLabel('Executive', { exact: true }).isChecked()).resolves.toBe(false);
    await expect(page.locator('#name').inputValue()).resolves.toBe('Ann Lee-Smith');
    await expect(page.locator('#timezone').inputValue()).resolves.toBe('Europe/Berlin');

    // Saved as shown, the page keeps what the file says: nothing is taken back to the old choice.
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Your changes are saved.').waitFor();
    const stored = await server.store.get('ann@example.com');
    expect(stored).toMatchObject({ name: 'Ann Lee-Smith', timezone: 'Europe/Berlin' });
    expect([...(stored?.roles ?? [])].sort()).toEqual(['CTO', 'Software Engineer']);
    expect(scriptErrors).toEqual([]);
  });
});
