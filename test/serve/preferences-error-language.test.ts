import { afterEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * The answers of the preferences page that are not the page itself, for a reader who chose German
 * while their browser asks for English: a link of theirs gets their language, a link that is not
 * theirs (unsigned, signed with another secret) gets the browser's and says nothing of them.
 */

const SECRET = 'preferences-error-language-secret-0123456789';
const READER = 'greta@example.org';
let h: SignupServer;

afterEach(() => h?.close());

async function start(): Promise<void> {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
  await h.store.insert(
    readerRecord(READER, { roles: ['CTO'], locale: 'de-DE', confirmedAt: '2026-12-01T10:00:00.000Z' }),
  );
}

const path = (token: string) => `/preferences?${new URLSearchParams({ token })}`;
const theirs = () => path(signToken({ email: READER, listId: h.config.listId }, SECRET));
const english = { 'accept-language': 'en-GB,en;q=0.9' };

async function page(response: Response): Promise<{ status: number; lang: string | undefined; text: string }> {
  const text = await response.text();
  return { status: response.status, lang: /<html lang="([^"]+)"/.exec(text)?.[1], text };
}

describe('a form too large for the preferences page', () => {
  it('is answered in the language the reader chose, whatever the browser asks for', async () => {
    await start();
    const answer = await page(await h.post(theirs(), form({ csrf: 'x', name: 'y'.repeat(40_000) }), english));
    expect(answer.status).toBe(413);
    expect(answer.lang).toBe('de');
    expect(answer.text).toContain('Anfrage zu groß');
  });
});

describe('a preferences link that is not the reader’s', () => {
  it('is answered in the browser’s language, never the one the reader chose', async () => {
    await start();
    const [payload] = signToken({ email: READER, listId: h.config.listId }, SECRET).split('.');
    const forged = signToken({ email: READER, listId: h.config.listId }, 'another-secret-0123456789abcdef');
    for (const token of [`${payload}.`, `${payload}.AAAA`, forged]) {
      const shown = await page(await h.post(path(token), form({ csrf: 'x', do: 'pause', weeks: '1' }), english));
      expect([token, shown.status, shown.lang]).toEqual([token, 400, 'en']);
      const big = await page(await h.post(path(token), form({ csrf: 'x', name: 'y'.repeat(40_000) }), english));
      expect([token, big.lang]).toEqual([token, 'en']);
      expect(big.text).not.toContain(READER);
    }
  });
});
