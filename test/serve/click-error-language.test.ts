import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signClickToken } from '../../src/analytics/token.js';
import type { StateDb } from '../../src/send/store.js';
import { type ClickServe, startClickServe } from '../helpers/click-serve.js';

/**
 * A click link that is not valid (cut short by a mail client's line wrap, altered, signed with a key
 * serve never had) was answered with a bare English line of text, "this link is not valid", on a
 * list written in German, while the other pages serve shows a reader speak the list's language or
 * the browser's.
 */
const SECRET = 'click-error-language-secret-0123456789ab';
const BROWSER =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

let serve: ClickServe;
let db: StateDb;
let origin: string;

beforeAll(async () => {
  serve = await startClickServe({ secret: SECRET, config: { locale: 'de-DE' } });
  ({ db, origin } = serve);
});

afterAll(() => serve?.close());

const token = signClickToken(
  { issueId: '2026-W48', summaryId: 'board-questions', role: 'CTO', kind: 'article', target: 'https://example.com/a' },
  SECRET,
);
/** The link cut short, as a mail client wrapping a long line leaves it. */
const cut = () => `${origin}/c/${token.slice(0, -6)}`;

async function page(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { redirect: 'manual', headers: { 'User-Agent': BROWSER, ...headers } });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    lang: /<html lang="([^"]+)"/.exec(text)?.[1],
    title: /<h1>([^<]*)<\/h1>/.exec(text)?.[1],
    text,
  };
}

describe('a click link that is not valid', () => {
  it("is answered as a page in the list's language when the browser asks for none", async () => {
    const shown = await page(cut());
    expect([shown.status, shown.type, shown.lang]).toEqual([400, 'text/html; charset=utf-8', 'de']);
    expect(shown.title).toBe('Dieser Link ist ungültig');
    expect(shown.text).toContain('Öffnen Sie den Beitrag erneut aus der E-Mail');
    expect(shown.text).not.toContain('sign up');
  });

  it("is answered in the browser's language when it asks for one this list has", async () => {
    const shown = await page(cut(), { 'Accept-Language': 'en-US,en;q=0.9' });
    expect([shown.status, shown.lang, shown.title]).toEqual([400, 'en', 'This link is not valid']);
    expect(shown.text).toContain('Open the story again from the email');
    const other = await page(cut(), { 'Accept-Language': 'fr-FR' });
    expect([other.status, other.lang]).toEqual([400, 'de']);
  });

  it('is answered the same for a path that holds no token, without a body to HEAD', async () => {
    const shown = await page(`${origin}/c/a/b`);
    expect([shown.status, shown.lang, shown.title]).toEqual([404, 'de', 'Dieser Link ist ungültig']);
    const head = await fetch(cut(), { method: 'HEAD', headers: { 'User-Agent': BROWSER } });
    expect([head.status, await head.text()]).toEqual([400, '']);
    expect(db.prepare('SELECT COUNT(*) AS n FROM clicks').get()).toEqual({ n: 0 });
  });
});
