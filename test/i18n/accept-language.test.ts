import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { _keptTags, languageOf, requestLanguage } from '../../src/i18n/index.js';
import { type ClickServe, startClickServe } from '../helpers/click-serve.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * Accept-Language was read by its first entry only, weights ignored, so a browser asking for
 * "fr, de;q=0.9" on an English list was shown English although the list has German pages.
 */
describe('requestLanguage', () => {
  it.each([
    ['fr, de;q=0.9', 'en', 'de'],
    ['fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7', 'en', 'de'],
    ['de;q=0.5, en;q=0.8', 'de', 'en'],
    ['en;q=0.8, de;q=0.8', 'de', 'en'],
    ['de;q=0, fr', 'en', 'en'],
    ['de;q=0.000, en;q=0.001', 'de', 'en'],
    ['en;q=banana, de;q=0.9', 'de', 'en'],
    ['en;q=1.5, de;q=0.9', 'de', 'en'],
    ['de; q=0.4, *;q=0.9, es', 'en', 'de'],
    ['', 'de-DE', 'de'],
    [',,;;,', 'de-DE', 'de'],
    ['DE-at', 'en', 'de'],
  ])('%j on a list in %s gets %s', (header, list, expected) => {
    expect(requestLanguage(header, list)).toBe(expected);
  });

  it('reads only the start of a hostile header', () => {
    const entries = `${'xx;q=0.1,'.repeat(5000)}de`;
    expect(requestLanguage(entries, 'en')).toBe('en');
    expect(requestLanguage(`${'x'.repeat(20_000)},de`, 'en')).toBe('en');
  });
});

const SECRET = 'accept-language-secret-0123456789abcdef';
let click: ClickServe;
let signup: SignupServer;

beforeAll(async () => {
  click = await startClickServe({ secret: SECRET, config: { locale: 'en-GB' } });
  signup = await startSignupServer({ secret: SECRET, now: () => new Date('2026-12-01T10:00:00Z') });
});

afterAll(async () => {
  await click?.close();
  await signup?.close();
});

async function pageLanguage(url: string, acceptLanguage: string): Promise<string | undefined> {
  const response = await fetch(url, { redirect: 'manual', headers: { 'accept-language': acceptLanguage } });
  return /<html lang="([^"]+)"/.exec(await response.text())?.[1];
}

describe("serve's pages", () => {
  it("answer a click link that is not valid in the browser's best language the list has", async () => {
    const url = `${click.origin}/c/a/b`;
    expect(await pageLanguage(url, 'fr, de;q=0.9')).toBe('de');
    expect(await pageLanguage(url, 'fr, de;q=0.9, en;q=0.95')).toBe('en');
    expect(await pageLanguage(url, 'de;q=0, fr')).toBe('en');
  });

  it("show the signup form in the browser's best language the list has", async () => {
    const url = `${signup.origin}/subscribe`;
    expect(await pageLanguage(url, 'es-ES, es;q=0.9, de;q=0.8, en;q=0.5')).toBe('de');
    expect(await pageLanguage(url, 'es, en;q=0.3, de;q=0')).toBe('en');
  });
});

/**
 * The answers kept per tag were keyed on the tag as the browser sent it: a thousand headers of up
 * to 16 KB each held about 16 MB set by anyone before they were let go.
 */
describe('the tags whose answers are kept', () => {
  it('hold no more than a short tag each, however long the tags browsers send', () => {
    for (let i = 0; i < 1500; i++) {
      const tag = `de-${String(i).padStart(5, '0')}${'x'.repeat(1000)}`;
      expect(requestLanguage(`${tag}, en;q=0.5`, 'en')).toBe('de');
      expect(languageOf(`fr-${'y'.repeat(2000)}${i}`, 'de')).toBe('de');
    }
    const kept = _keptTags();
    expect(kept.tags).toBeLessThanOrEqual(1000);
    expect(kept.chars).toBeLessThanOrEqual(kept.tags * 35);
    expect(requestLanguage('de-AT', 'en')).toBe('de');
    expect(_keptTags().chars).toBeLessThanOrEqual(_keptTags().tags * 35);
  });
});
