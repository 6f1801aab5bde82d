import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../src/i18n/index.js';
import { stateSuppressionList } from '../../src/serve/index.js';
import type { ReaderMail } from '../../src/serve/readers/mail.js';
import { launchBrowser } from '../helpers/browser.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A reader whose browser asks for German, with JavaScript off, in headless Chromium: every page
 * from signup to leaving, and the confirmation mail, is written in German, with no English
 * sentence of the catalogue left in it.
 */

const SECRET = 'german-reader-pages-secret-0123456789abcdef';
const READER = 'leser@example.de';
/** Keys whose German is the same as their English by design. */
const SAME_IN_GERMAN = new Set(['pages.subscribe.name']);

let browser: Browser;
let h: SignupServer;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
  context = await browser.newContext({
    locale: 'de-DE',
    javaScriptEnabled: false,
    viewport: { width: 375, height: 800 },
  });
  page = await context.newPage();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await h?.close();
});

/** The English sentences a German page must not show: each catalogue text, cut at its placeholders. */
function englishLeftIn(text: string): string[] {
  const english = catalogue('en') as Record<string, string>;
  return Object.entries(english)
    .filter(([key]) => key.startsWith('pages.') && !SAME_IN_GERMAN.has(key))
    .flatMap(([key, value]) =>
      value
        .split(/\{\w+\}/)
        .map((piece) => piece.trim())
        .filter((piece) => piece.length >= 8 && text.includes(piece))
        .map((piece) => `${key}: "${piece}"`),
    );
}

async function shown(): Promise<string> {
  expect(await page.locator('html').getAttribute('lang')).toBe('de');
  return (await page.locator('main').textContent()) ?? '';
}

/** A link of the config's public address, opened on this server. */
const local = (link: string) => {
  const url = new URL(link, h.origin);
  return `${h.origin}${url.pathname}${url.search}`;
};

const mailText = (mail: ReaderMail) => [mail.subject, mail.heading, mail.body, mail.button, ...mail.notes].join('\n');

describe('a German reader, without JavaScript', () => {
  it('signs up, confirms twice, pauses, resumes and leaves, all in German', async () => {
    const seen: string[] = [];
    await page.goto(`${h.origin}/subscribe`);
    seen.push(await shown());
    await page.getByLabel('E-Mail-Adresse').fill(READER);
    await page.getByLabel('CTO', { exact: true }).check();
    await page.getByRole('button', { name: 'Abonnieren' }).click();
    await page.getByRole('heading', { name: 'Sehen Sie in Ihr Postfach' }).waitFor();
    seen.push(await shown());

    expect(await h.mailCount(1)).toBe(1);
    const mail = h.mails[0]!;
    expect(mail.lang).toBe('de');
    expect(englishLeftIn(mailText(mail))).toEqual([]);

    await page.goto(local(mail.url));
    seen.push(await shown());
    await page.getByRole('button', { name: 'Bestätigen' }).click();
    await page.getByRole('heading', { name: 'Sie haben abonniert' }).waitFor();
    seen.push(await shown());
    const preferences = await page.getByRole('link', { name: 'Rollen und Einstellungen wählen' }).getAttribute('href');

    // The same link opened again confirms nothing more, and says so.
    const again = await page.goto(local(mail.url));
    expect(again?.status()).toBe(410);
    seen.push(await shown());

    await page.goto(local(preferences!));
    seen.push(await shown());
    await page.getByLabel('Pausieren für').selectOption('2');
    await page.getByRole('button', { name: 'Pausieren', exact: true }).click();
    await page.getByText('Ihr Abonnement ist pausiert.').waitFor();
    seen.push(await shown());
    await page.getByRole('button', { name: 'Jetzt fortsetzen' }).click();
    await page.getByText('Ihr Abonnement ist wieder aktiv.').waitFor();
    seen.push(await shown());
    await page.getByRole('button', { name: 'Von allem abmelden' }).click();
    await page.getByText('Sie sind abgemeldet.', { exact: true }).waitFor();
    seen.push(await shown());

    expect(await stateSuppressionList(h.db).isSuppressed(READER)).toBe(true);
    expect(seen.flatMap(englishLeftIn)).toEqual([]);
  });
});
