import { describe, expect, it } from 'vitest';
import { readEnvironment, redactUrl } from '../../src/config/env.js';

describe('redactUrl never shows the password', () => {
  it.each([
    ['smtp://user:s3cret@mail.example.com:587', 'smtp://user:***@mail.example.com:587'],
    ['smtps://apikey:Sg/Abc+def==@smtp.example.com', 'smtps://apikey:***@smtp.example.com'],
    ['smtp://u:p@ss#w%rd@host:25', 'smtp://u:***@host:25'],
    ['smtp://user@host', 'smtp://user@host'],
    ['smtp://host:25', 'smtp://host:25'],
    // Credentials with their "@" escaped, or a password pasted into the variable: nothing shown.
    ['smtp://alice:Pw0rd.secret%40127.0.0.1:2525', 'smtp://*** (not shown)'],
    ['Pw0rd.secret', '*** (not shown)'],
  ])('%s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

describe('readEnvironment', () => {
  it('reads secrets and DKIM settings only from the given environment', () => {
    const env = readEnvironment({
      SMTP_URL: 'smtp://a:b@h',
      ROLECAST_SECRET: 'k',
      ROLECAST_DKIM_KEY_FILE: '/k.pem',
      ROLECAST_DKIM_DOMAIN: 'example.com',
      ROLECAST_DKIM_SELECTOR: 's1',
      CI: 'true',
    });
    expect(env).toMatchObject({
      smtpUrl: 'smtp://a:b@h',
      secret: 'k',
      isCI: true,
      dkim: { keyFile: '/k.pem', domain: 'example.com', selector: 's1' },
    });
    expect(readEnvironment({}).smtpUrl).toBeUndefined();
  });

  it('keeps DKIM variables set only in part as the ones missing, never as no DKIM', () => {
    expect(readEnvironment({}).dkim).toBeUndefined();
    expect(readEnvironment({ ROLECAST_DKIM_KEY_FILE: '/k.pem', ROLECAST_DKIM_DOMAIN: 'example.com' }).dkim).toEqual({
      missing: ['ROLECAST_DKIM_SELECTOR'],
    });
    expect(readEnvironment({ ROLECAST_DKIM_SELECTOR: 's1', ROLECAST_DKIM_DOMAIN: '' }).dkim).toEqual({
      missing: ['ROLECAST_DKIM_KEY_FILE', 'ROLECAST_DKIM_DOMAIN'],
    });
  });
});

describe('assertStrongSecret', () => {
  it('accepts no key or a long one, and refuses a short one with a way to make a good one', async () => {
    const { assertStrongSecret } = await import('../../src/config/env.js');
    expect(() => assertStrongSecret(undefined)).not.toThrow();
    expect(() => assertStrongSecret('0123456789abcdef'.repeat(2))).not.toThrow();
    // Long enough, yet a placeholder.
    expect(() => assertStrongSecret('x'.repeat(32))).toThrow(/not a random key/);
    expect(() => assertStrongSecret(' '.repeat(40))).toThrow(/not a random key/);
    expect(() => assertStrongSecret('x'.repeat(31))).toThrow(/too short \(31 characters\)/);
  });
});

describe('config', () => {
  const base = {
    sender: { name: 'N', email: 'n@example.com' },
    listId: 'l.example.com',
    footer: { postalAddress: 'P' },
  };
  it('takes a list id only as a domain-like dot-atom (RFC 2919), naming the field', async () => {
    const { parseConfig } = await import('../../src/config/load.js');
    for (const listId of ['weekly..rolecast.example', 'week ly.example', '.weekly.example', 'weekly.', 'weekly'])
      expect(() => parseConfig(JSON.stringify({ ...base, listId }), '/tmp/c.json'), listId).toThrow();
    // As before: a list id that went out in earlier issues (its links depend on it) still loads.
    for (const listId of ['weekly.rolecast.example', 'w-1.example.co.uk', 'weekly-.example.com'])
      expect(parseConfig(JSON.stringify({ ...base, listId }), '/tmp/c.json').listId).toBe(listId);
  });

  it('refuses a locale that is not a BCP 47 tag, naming the field, instead of failing later in Intl', async () => {
    const { parseConfig } = await import('../../src/config/load.js');
    for (const locale of ['en_GB', 'english', 'en-GB-x-']) {
      let problems: { field?: string; message: string }[] = [];
      try {
        parseConfig(JSON.stringify({ ...base, locale }), '/tmp/c.json');
      } catch (error) {
        problems = (error as { problems: typeof problems }).problems;
      }
      expect(problems, locale).toEqual([
        expect.objectContaining({ field: 'locale', message: expect.stringMatching(/must be a BCP 47 locale/) }),
      ]);
    }
    expect(parseConfig(JSON.stringify({ ...base, locale: 'pt-BR' }), '/tmp/c.json').locale).toBe('pt-BR');
  });

  it("keeps the list's own addresses in ASCII: an IDN domain as punycode, a non-ASCII mailbox name refused", async () => {
    const { parseConfig } = await import('../../src/config/load.js');
    const idn = parseConfig(
      JSON.stringify({
        ...base,
        sender: { name: 'N', email: 'news@bücher.de' },
        replyTo: 'Desk@Bücher.de',
        unsubscribeMailto: 'leave@bücher.de',
      }),
      '/tmp/c.json',
    );
    expect(idn.sender.email).toBe('news@xn--bcher-kva.de');
    expect(idn.replyTo).toBe('Desk@xn--bcher-kva.de');
    expect(idn.unsubscribeMailto).toBe('leave@xn--bcher-kva.de');
    expect(() =>
      parseConfig(JSON.stringify({ ...base, sender: { name: 'N', email: 'nëws@example.com' } }), '/tmp/c.json'),
    ).toThrow(/invalid/);
  });

  it('requires https for the one-click unsubscribe URL, except on loopback', async () => {
    const { parseConfig } = await import('../../src/config/load.js');
    const withUrl = (unsubscribe: string) => JSON.stringify({ ...base, urls: { unsubscribe } });
    expect(() => parseConfig(withUrl('http://news.example.com/u'), '/tmp/c.json')).toThrow(/invalid/);
    expect(parseConfig(withUrl('https://news.example.com/u'), '/tmp/c.json').urls.unsubscribe).toBe(
      'https://news.example.com/u',
    );
    expect(parseConfig(withUrl('http://127.0.0.1:8787/u'), '/tmp/c.json').urls.unsubscribe).toBe(
      'http://127.0.0.1:8787/u',
    );
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.10.0.3', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['127.example.com', false],
    ['news.example.com', false],
  ])('%s → %s', async (host, loopback) => {
    const { isLoopbackHost } = await import('../../src/_loopback.js');
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
