import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { personalLinks } from '../../src/unsubscribe/links.js';
import { signToken } from '../../src/unsubscribe/token.js';

const SECRET = 'link-splice-secret-0123456789abcdef';

/** What the links were before the base URL was parsed once per run: a fresh URL per reader. */
function parsedEachTime(base: string, token: string): string {
  const url = new URL(base);
  url.searchParams.set('token', token);
  return url.toString();
}

describe('personal links spliced into a base URL parsed once', () => {
  it('are the URLs a fresh parse per reader gives, for bases with queries, fragments and odd paths', () => {
    const bases = fc.constantFrom(
      'https://rolecast.example/unsubscribe',
      'https://rolecast.example/u?list=a b&token=old',
      'https://rolecast.example/ü/päth?x=%41#frag',
      'https://rolecast.example:8443/u/?a=1&a=2',
      'http://[::1]/u?rolecastQueryValue7Kq=1',
    );
    const emails = fc.constantFrom('ann@example.test', 'Ünïcode@exämple.test', 'a+b@example.test');
    fc.assert(
      fc.property(bases, bases, emails, (unsubscribe, preferences, email) => {
        const config = {
          listId: 'weekly.rolecast.example',
          sender: { email: 'news@rolecast.example', name: 'News' },
          urls: { unsubscribe, preferences },
        } as unknown as ResolvedConfig;
        const links = personalLinks(config, SECRET, '2026-W48', email);
        const token = signToken({ email, listId: config.listId }, SECRET);
        expect(links.unsubscribeUrl).toBe(parsedEachTime(unsubscribe, token));
        expect(links.preferencesUrl).toBe(parsedEachTime(preferences, token));
      }),
      { numRuns: 60 },
    );
  });
});
