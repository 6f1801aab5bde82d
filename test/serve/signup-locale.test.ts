import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/** The JSON signup API takes a locale as the subscribers file writes it (a BCP 47 tag). */

let h: SignupServer;
beforeEach(async () => {
  h = await startSignupServer({ secret: 'signup-locale-secret-0123456789abcdefgh', now: () => new Date() });
});
afterEach(() => h.close());

describe('a JSON signup with a regional locale', () => {
  it('keeps its language: the reader and their confirmation mail are German', async () => {
    const response = await h.post(
      '/subscribe',
      JSON.stringify({ email: 'anna@example.de', roles: ['CTO'], locale: 'de-DE' }),
      { 'content-type': 'application/json' },
    );
    expect(response.status).toBe(202);
    expect(await h.mailCount(1)).toBe(1);
    expect(h.mails[0]?.lang).toBe('de');
    expect((await h.store.get('anna@example.de'))?.locale).toBe('de');
  });
});
