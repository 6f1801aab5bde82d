import { expect, it } from 'vitest';
import { onEveryBackend } from './_file-readers.js';
import { CONFIRM_LINK, pressConfirm } from './_returning.js';

/**
 * A reader who signs up in German from a browser set to English gets their confirmation mail in
 * German, and the page its link opens, with its button, is German too, as the page after it is;
 * the same for the link that confirms a new address asked for on a German preferences page. In
 * headless Chromium against `rolecast serve`, the mail read back from a loopback SMTP server.
 */

onEveryBackend('the page a confirmation link opens', 'confirm_page_language', (start) => {
  it("speaks the language the signup chose, not the browser's", async () => {
    const h = start();
    const reader = 'deutsch.leser@example.com';
    const context = await h.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      await page.goto(`${h.origin}/subscribe`);
      await page.getByLabel('Email address').fill(reader);
      await page.getByLabel('CTO', { exact: true }).check();
      await page.getByLabel('Language').selectOption('de');
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.getByText('Check your inbox').waitFor({ timeout: 15_000 });
      const mail = await h.waitForMail(reader, 1);
      expect(mail.parsed.subject).toBe('Bestätigen Sie Ihr Abonnement von Rolecast Weekly');

      await page.goto(CONFIRM_LINK.exec(mail.parsed.text ?? '')![0]);
      expect(await page.locator('html').getAttribute('lang')).toBe('de');
      await page.getByRole('heading', { name: 'Abonnement bestätigen' }).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Bestätigen' }).click();
      await page.getByRole('heading', { name: 'Sie haben abonniert' }).waitFor({ timeout: 15_000 });
    } finally {
      await context.close();
    }
  });

  it("of a new address asked for on a German preferences page speaks German too, whatever the browser's language", async () => {
    const h = start();
    const reader = 'umzug.leser@example.com';
    const moved = 'neue.adresse@example.com';
    const signup = { email: reader, roles: 'CTO', locale: 'de' };
    await fetch(`${h.origin}/subscribe`, { method: 'POST', body: new URLSearchParams(signup) });
    expect(await pressConfirm(CONFIRM_LINK.exec((await h.waitForMail(reader, 1)).parsed.text ?? '')![0])).toBe(200);
    const page = await h.preferences(reader);
    try {
      await page.getByLabel('E-Mail-Adresse').fill(moved);
      await page.getByRole('button', { name: 'Änderungen speichern' }).click();
      const mail = await h.waitForMail(moved, 1);
      await page.goto(CONFIRM_LINK.exec(mail.parsed.text ?? '')![0]);
      expect(await page.locator('html').getAttribute('lang')).toBe('de');
      await page.getByRole('heading', { name: 'Bestätigen Sie Ihre neue Adresse' }).waitFor({ timeout: 15_000 });
      expect(await page.getByRole('button').textContent()).toBe('Bestätigen');
    } finally {
      await page.close();
    }
  });
});
