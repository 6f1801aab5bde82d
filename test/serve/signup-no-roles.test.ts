import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, watchScriptErrors } from '../helpers/browser.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A signup naming no role `roles.yaml` knows (none ticked, or only one a form pasted into another
 * site before a role was renamed) would make a reader who confirms and then gets no issue at all:
 * it is refused with the form again, for any address alike, and nothing is stored or mailed.
 */

const SECRET = 'signup-no-roles-secret-0123456789abcdefgh';

let h: SignupServer;
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser.close());
beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date('2026-12-01T10:00:00Z') });
});
afterEach(() => h.close());

/** Mail goes out after the answer: a signup that does mail, sent last, shows nothing went before it. */
async function onlyMailIsFor(address: string) {
  expect((await h.post('/subscribe', form({ email: address, roles: 'CTO' }))).status).toBe(200);
  expect(await h.mailCount(1)).toBe(1);
  expect(h.mails.map((m) => m.to)).toEqual([address]);
}

describe('a signup with no known role', () => {
  it('gets the form again saying to pick a role, with what was typed kept; nothing is stored or mailed', async () => {
    const response = await h.post('/subscribe', form({ email: 'none@example.com', name: 'Nora' }));
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('Pick at least one of the roles below');
    expect(page).toContain('value="none@example.com"');
    expect(page).toContain('value="Nora"');
    expect(page).toMatch(/<input type="checkbox" name="roles"[^>]*value="CTO"/);
    await onlyMailIsFor('after@example.com');
    expect(await h.store.get('none@example.com')).toBeUndefined();
  });

  it('sent as JSON naming only roles roles.yaml lacks, is answered 400 with the reason', async () => {
    const response = await h.post('/subscribe', JSON.stringify({ email: 'api@example.com', roles: ['Growth Lead'] }), {
      'content-type': 'application/json',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toContain('Pick at least one of the roles');
    await onlyMailIsFor('after@example.com');
    expect(await h.store.get('api@example.com')).toBeUndefined();
  });

  it('is answered the same for a new, a pending and a suppressed address', async () => {
    await h.post('/subscribe', form({ email: 'pending@example.com', roles: 'CTO' }));
    expect(await h.mailCount(1)).toBe(1);
    h.db.prepare("INSERT INTO suppressions (email, created_at) VALUES ('gone@example.com', 'now')").run();
    const answers = [];
    for (const email of ['new@example.com', 'pending@example.com', 'gone@example.com']) {
      const response = await h.post('/subscribe', form({ email }));
      answers.push(`${response.status} ${(await response.text()).replace(email, 'ADDRESS')}`);
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toMatch(/^400 /);
    expect((await h.store.get('pending@example.com'))?.roles).toEqual(['CTO']);
  });

  it('from a form pasted into another site before a role was renamed, is shown the roles of today in Chromium', async () => {
    const page = await browser.newPage();
    // The 400 the stale form is answered with is the one error Chromium may report.
    const errors = watchScriptErrors(page, (line) => line.includes('status of 400'));
    try {
      // What `serve --print-form` printed when roles.yaml still had "Growth Lead".
      await page.setContent(
        `<form method="post" action="${h.origin}/subscribe"><input name="email" value="old.form@example.com">` +
          '<input type="checkbox" name="roles" value="Growth Lead" checked><button>Subscribe</button></form>',
      );
      await Promise.all([page.waitForURL(`${h.origin}/subscribe`), page.getByRole('button').click()]);
      await expect(page.getByRole('alert').textContent()).resolves.toContain('Pick at least one of the roles below');
      expect(await page.locator('input#email').inputValue()).toBe('old.form@example.com');
      await page.getByLabel('CTO', { exact: true }).check();
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.getByText('Check your inbox').waitFor();
      expect(await h.mailCount(1)).toBe(1);
      expect(await h.store.get('old.form@example.com')).toMatchObject({ status: 'pending', roles: ['CTO'] });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
