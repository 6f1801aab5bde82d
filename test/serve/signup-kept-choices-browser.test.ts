import { expect, it } from 'vitest';
import { watchScriptErrors } from '../helpers/browser.js';
import { onEveryBackend } from './_file-readers.js';
import { CONFIRM_LINK } from './_returning.js';

/**
 * A signup sent without a role is shown the form again: the time zone and language the reader chose
 * on it stay chosen there, so sending it again with a role ticked subscribes them as they asked,
 * not in the browser's zone and the page's language. In headless Chromium against `rolecast serve`,
 * the confirmation read back from a loopback SMTP server.
 */

interface Listed {
  email: string;
  timezone: string | null;
  locale: string | null;
}

onEveryBackend('a signup shown again for want of a role', 'signup_kept_choices', (start) => {
  it('keeps the zone and language the reader chose, and the signup made from it has them', async () => {
    const h = start();
    const reader = 'kept.choices@example.com';
    // A browser in New York, whose zone the page's script would pick.
    const context = await h.browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US' });
    const page = await context.newPage();
    const errors = watchScriptErrors(page, (line) => line.includes('status of 400'));
    try {
      await page.goto(`${h.origin}/subscribe`);
      expect(await page.locator('#timezone').inputValue()).toBe('America/New_York');
      await page.getByLabel('Email address').fill(reader);
      await page.getByLabel('Time zone').selectOption('Asia/Tokyo');
      await page.getByLabel('Language').selectOption('de');
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.getByRole('alert').getByText('Pick at least one of the roles below').waitFor({ timeout: 15_000 });
      expect(await page.getByLabel('Time zone').inputValue()).toBe('Asia/Tokyo');
      expect(await page.getByLabel('Language').inputValue()).toBe('de');

      await page.getByLabel('CTO', { exact: true }).check();
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.getByText('Check your inbox').waitFor({ timeout: 15_000 });
      const mail = await h.waitForMail(reader, 1);
      expect(mail.parsed.subject).toBe('Bestätigen Sie Ihr Abonnement von Rolecast Weekly');
      await page.goto(CONFIRM_LINK.exec(mail.parsed.text ?? '')![0]);
      await page.getByRole('button').click();
      await page.getByRole('heading', { name: 'Sie haben abonniert' }).waitFor({ timeout: 15_000 });
      const listed = await h.run(['subscribers', 'list', '--json']);
      expect(listed.code, listed.all).toBe(0);
      const stored = (JSON.parse(listed.out) as Listed[]).find((r) => r.email === reader);
      expect(stored).toMatchObject({ timezone: 'Asia/Tokyo', locale: 'de' });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
