import { expect, it } from 'vitest';
import { type FileReaders, onEveryBackend } from './_file-readers.js';
import { confirmLink, statusOf, suppressed, unsubscribeOneClick } from './_returning.js';

/**
 * A reader who unsubscribed by their own choice and signs up again on the form gets a new
 * confirmation mail, and confirming it brings them back; an editor's block stays a block. In
 * headless Chromium against `rolecast serve` and a loopback SMTP server, on SQLite and PostgreSQL.
 */

async function signUp(h: FileReaders, email: string): Promise<void> {
  const page = await h.browser.newPage();
  await page.goto(`${h.origin}/subscribe`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('CTO', { exact: true }).check();
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.getByRole('heading', { name: 'Check your inbox' }).waitFor({ timeout: 5000 });
  await page.close();
}

/** Signs up on the form and confirms from the nth mail to `email` (1-based), in the browser. */
async function joinFromMail(h: FileReaders, email: string, nth: number): Promise<void> {
  await signUp(h, email);
  const page = await h.browser.newPage();
  await page.goto(await confirmLink(h, email, nth));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'You are subscribed' }).waitFor({ timeout: 5000 });
  await page.close();
}

/** A reader again: active in the store, off the suppression list. */
async function expectBack(h: FileReaders, email: string): Promise<void> {
  expect(await statusOf(h, email)).toBe('active');
  expect(await suppressed(h, email)).toBe(false);
}

onEveryBackend('a reader who unsubscribed signs up again', 'signup_after_unsub', (start) => {
  it('after leaving on the preferences page: a new confirmation mail, and confirming brings them back', async () => {
    const h = start();
    const reader = 'returning.reader@example.com';
    await joinFromMail(h, reader, 1);
    const page = await h.preferences(reader);
    await page.getByRole('button', { name: 'Unsubscribe from everything' }).click();
    await page.getByText('You are unsubscribed.').waitFor({ timeout: 5000 });
    await page.close();
    expect(await statusOf(h, reader)).toBe('unsubscribed');
    expect(await suppressed(h, reader)).toBe(true);

    await joinFromMail(h, reader, 2);
    await expectBack(h, reader);
    // Their page is theirs again, with the role they had.
    const again = await h.preferences(reader);
    expect(await again.getByLabel('CTO', { exact: true }).isChecked()).toBe(true);
    await again.close();
  });

  it('after a one-click unsubscribe: the same', async () => {
    const h = start();
    const reader = 'one.click@example.com';
    await joinFromMail(h, reader, 1);
    await unsubscribeOneClick(h, reader);
    expect(await suppressed(h, reader)).toBe(true);

    await joinFromMail(h, reader, 2);
    await expectBack(h, reader);
  });

  it("an editor's block stays a block: the page reads the same and no mail goes out", async () => {
    const h = start();
    const blocked = 'blocked.reader@example.com';
    const added = await h.run(['suppress', 'add', blocked, '--reason', 'unsubscribe']);
    expect(added.code, added.all).toBe(0);
    await signUp(h, blocked);
    // A new address signed up after it gets its mail: the blocked one's turn came first.
    const later = 'after.block@example.com';
    await signUp(h, later);
    await h.waitForMail(later, 1);
    expect(await h.mailsTo(blocked)).toEqual([]);
    expect(await suppressed(h, blocked)).toBe(true);
  });
});
