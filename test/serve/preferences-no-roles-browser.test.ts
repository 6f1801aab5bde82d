import { expect, it } from 'vitest';
import { onEveryBackend } from './_file-readers.js';
import { confirmLink, postSignup, pressConfirm, statusOf } from './_returning.js';

/**
 * A reader who unticks every role on the preferences page and saves would get nothing at all,
 * without a word: the save is refused on the page, beside the Unsubscribe button, and their roles
 * stay. In headless Chromium and over HTTP against `rolecast serve`, on SQLite and PostgreSQL.
 */

interface Listed {
  email: string;
  roles: string[];
  name: string | null;
}

onEveryBackend('a reader who unticks every role', 'prefs_no_roles', (start) => {
  it('is told nothing was saved, keeps their roles and name, and can unsubscribe from the same page', async () => {
    const h = start();
    const reader = 'all.unticked@example.com';
    await postSignup(h, reader);
    expect(await pressConfirm(await confirmLink(h, reader, 1))).toBe(200);
    const listed = async () => {
      const out = await h.run(['subscribers', 'list', '--json']);
      expect(out.code, out.all).toBe(0);
      return (JSON.parse(out.out) as Listed[]).find((r) => r.email === reader);
    };
    const before = await listed();
    expect(before?.roles).toEqual(['CTO']);

    const page = await h.preferences(reader);
    await page.getByLabel('Name (optional)', { exact: true }).fill('Someone Else');
    await page.getByLabel('CTO', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('alert').getByText('Nothing was saved').waitFor({ timeout: 5000 });
    expect(await page.getByLabel('CTO', { exact: true }).isChecked()).toBe(true);
    expect(await listed()).toEqual(before);

    // Over HTTP, as a form without scripts posts it: the same refusal.
    const html = await page.content();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(csrf).toBeDefined();
    const posted = await fetch(h.linkFor('/preferences', reader), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: csrf!, do: 'save', name: 'Other' }).toString(),
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toMatch(/done=noRoles$/);
    expect(await listed()).toEqual(before);

    await page.getByRole('button', { name: 'Unsubscribe from everything' }).click();
    await page.getByText('You are unsubscribed.').waitFor({ timeout: 5000 });
    await page.close();
    expect(await statusOf(h, reader)).toBe('unsubscribed');
  });
});
