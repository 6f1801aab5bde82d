import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FileReaders, startFileReaders } from './_file-readers.js';
import { confirmLink, postSignup, pressConfirm } from './_returning.js';

/**
 * What a screen reader and a keyboard meet after a form is refused: the focus on the field the error
 * is about, and the error read with the roles it concerns, as Chromium's accessibility tree gives it
 * to assistive technology. The signup form and the preferences page, in headless Chromium against
 * `rolecast serve`; the pages are the same whatever holds the state, so SQLite alone.
 */

let h: FileReaders;
beforeAll(async () => {
  h = await startFileReaders();
}, 60_000);
afterAll(() => h?.close());

/** The description assistive technology is given for each role group (fieldset), by its legend. */
async function groupDescriptions(page: Page): Promise<Map<string, string>> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { role?: { value?: string }; name?: { value?: string }; description?: { value?: string } }[];
    };
    const groups = nodes.filter((node) => node.role?.value === 'group');
    return new Map(groups.map((node) => [String(node.name?.value), String(node.description?.value ?? '')]));
  } finally {
    await cdp.detach();
  }
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/** The signup form sent with `email` and no role ticked, in a new page; the page once it is refused. */
async function signupRefused(email: string): Promise<Page> {
  const page = await h.browser.newPage();
  await page.goto(`${h.origin}/subscribe`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.getByRole('alert').first().waitFor({ timeout: 15_000 });
  return page;
}

describe('a refused form, to a screen reader and a keyboard', () => {
  it('signup without a role: the focus is on the first role and each group is described by the error', async () => {
    const page = await signupRefused('keyboard.only@example.com');
    try {
      await page.getByRole('alert').getByText('Pick at least one of the roles below').waitFor();
      expect(await focused(page)).toBe('role-0');
      const groups = await groupDescriptions(page);
      expect(groups.get('Leadership')).toContain('Pick at least one of the roles below');
      expect([...groups.values()].every((d) => d.includes('Pick at least one of the roles below'))).toBe(true);
      // Ticked from the keyboard where the focus is, the form goes through.
      await page.keyboard.press('Space');
      await page.getByRole('button', { name: 'Subscribe' }).click();
      await page.getByText('Check your inbox').waitFor({ timeout: 15_000 });
    } finally {
      await page.close();
    }
  });

  it('signup with a mistyped address: the focus is on the address its error is about', async () => {
    const page = await signupRefused('no-at-sign.example.com');
    try {
      await page.locator('#email-error').waitFor();
      expect(await focused(page)).toBe('email');
    } finally {
      await page.close();
    }
  });

  it('preferences saved with no role: the focus is on the first role and each group is described by the error', async () => {
    const reader = 'screen.reader@example.com';
    await postSignup(h, reader);
    expect(await pressConfirm(await confirmLink(h, reader, 1))).toBe(200);
    const page = await h.preferences(reader);
    try {
      await page.getByLabel('CTO', { exact: true }).uncheck();
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('alert').getByText('Nothing was saved').waitFor({ timeout: 15_000 });
      expect(await focused(page)).toBe('role-0');
      const groups = await groupDescriptions(page);
      expect(groups.size).toBeGreaterThan(1);
      expect([...groups.entries()].filter(([, d]) => d.includes('Nothing was saved')).map(([name]) => name)).toEqual(
        // Every group but the page's other forms: taking a break and leaving.
        [...groups.keys()].filter((name) => name !== 'Take a break' && name !== 'Leave'),
      );
    } finally {
      await page.close();
    }
  });
});
