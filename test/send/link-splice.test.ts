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

/** The links as they were worked out before a run's shared parts were kept: everything per reader. */
function linksFromScratch(config: ResolvedConfig, secret: string | undefined, issueId: string, email: string) {
  const mailbox = config.unsubscribeMailto ?? config.replyTo ?? config.sender.email;
  let mailto = `mailto:${mailbox}?subject=${encodeURIComponent(`unsubscribe ${config.listId}`)}`;
  // With a key, the mailto's subject names the reader by their token too.
  if (secret) mailto += `%20${signToken({ email, listId: config.listId }, secret)}`;
  let httpsUrl: string | undefined;
  let preferencesUrl: string | undefined;
  if (secret && config.urls.unsubscribe) {
    const token = signToken({ email, listId: config.listId }, secret);
    httpsUrl = parsedEachTime(config.urls.unsubscribe, token);
    if (config.urls.preferences) preferencesUrl = parsedEachTime(config.urls.preferences, token);
  } else if (config.urls.preferences) preferencesUrl = config.urls.preferences;
  return {
    unsubscribeUrl: httpsUrl ?? mailto,
    preferencesUrl,
    viewOnlineUrl: config.urls.archive
      ? `${config.urls.archive.replace(/\/+$/, '')}/${encodeURIComponent(issueId)}/`
      : undefined,
    listUnsubscribe: httpsUrl ? `<${httpsUrl}>, <${mailto}>` : `<${mailto}>`,
    oneClick: httpsUrl !== undefined,
  };
}

describe('the parts of the links every reader shares', () => {
  it('follow each change of configuration, key or issue between readers, even one made in place', () => {
    const optional = (values: string[]) => fc.option(fc.constantFrom(...values), { nil: undefined });
    const change = fc.record({
      listId: fc.constantFrom('weekly.rolecast.example', 'daily.rolecast.example'),
      unsubscribeMailto: optional(['unsubscribe@rolecast.example', 'stop@list.example']),
      replyTo: optional(['editors@rolecast.example']),
      senderEmail: fc.constantFrom('news@rolecast.example', 'digest@other.example'),
      unsubscribe: optional(['https://rolecast.example/unsubscribe', 'https://rolecast.example/u?list=a b']),
      preferences: optional(['https://rolecast.example/preferences', 'https://other.example/p#top']),
      archive: optional(['https://rolecast.example/archive/', 'https://rolecast.example/a']),
      secret: fc.constantFrom(undefined, '', SECRET, `${SECRET}-rotated`),
      issueId: fc.constantFrom('2026-W48', '2026 W49/ü'),
      email: fc.constantFrom('ann@example.test', 'Ünïcode@exämple.test', 'a+b@example.test'),
      inPlace: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(change, { minLength: 1, maxLength: 8 }), (steps) => {
        let config = { sender: { name: 'News' }, urls: {} } as unknown as ResolvedConfig;
        for (const step of steps) {
          // A fresh configuration object, or the same one with its values changed.
          if (!step.inPlace) config = { sender: { name: 'News' }, urls: {} } as unknown as ResolvedConfig;
          Object.assign(config, {
            listId: step.listId,
            unsubscribeMailto: step.unsubscribeMailto,
            replyTo: step.replyTo,
          });
          Object.assign(config.sender, { email: step.senderEmail });
          Object.assign(config.urls, {
            unsubscribe: step.unsubscribe,
            preferences: step.preferences,
            archive: step.archive,
          });
          expect(personalLinks(config, step.secret, step.issueId, step.email)).toEqual(
            linksFromScratch(config, step.secret, step.issueId, step.email),
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
