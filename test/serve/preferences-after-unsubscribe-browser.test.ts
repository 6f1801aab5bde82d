import { expect, it } from 'vitest';
import { onEveryBackend } from './_file-readers.js';
import { confirmLink, postSignup, pressConfirm, suppressed, unsubscribeOneClick } from './_returning.js';

/**
 * A reader who left by the one-click link in their mail client while their preferences page was
 * still open in a tab, then pressed a button there: the page they land on says they are
 * unsubscribed, never that their changes are saved or their subscription paused or active again,
 * as if the press had brought their mail back. In headless Chromium against `rolecast serve`, on
 * SQLite and PostgreSQL.
 */

const CLAIMS = ['Your changes are saved.', 'Your subscription is paused.', 'Your subscription is active again.'];

onEveryBackend('a preferences page left open while its reader unsubscribed', 'prefs_after_unsub', (start) => {
  it('answers Save and Pause with "unsubscribed" alone, and the reader stays suppressed', async () => {
    const h = start();
    const reader = 'left.in.a.tab@example.com';
    await postSignup(h, reader);
    expect(await pressConfirm(await confirmLink(h, reader, 1))).toBe(200);

    const saving = await h.preferences(reader);
    const pausing = await h.preferences(reader);
    await unsubscribeOneClick(h, reader);

    await saving.getByLabel('Name (optional)', { exact: true }).fill('Back Again');
    await saving.getByRole('button', { name: 'Save changes' }).click();
    await saving.waitForURL(/done=/);
    await pausing.getByRole('button', { name: 'Pause' }).click();
    await pausing.waitForURL(/done=/);
    for (const page of [saving, pausing]) {
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).toContain('You are unsubscribed and receive no more emails');
      for (const claim of CLAIMS) expect(text).not.toContain(claim);
      await page.close();
    }
    expect(await suppressed(h, reader)).toBe(true);

    // A page reloaded from an address that said "saved" before the reader left says so no more.
    const reloaded = await h.browser.newPage();
    for (const done of ['saved', 'paused', 'resumed', 'address']) {
      await reloaded.goto(`${h.linkFor('/preferences', reader)}&done=${done}`);
      const text = (await reloaded.locator('main').textContent()) ?? '';
      expect(text).toContain('You are unsubscribed and receive no more emails');
      for (const claim of CLAIMS) expect(text, done).not.toContain(claim);
      expect(text, done).not.toContain('We sent a confirmation email');
    }
    await reloaded.close();
  });
});
