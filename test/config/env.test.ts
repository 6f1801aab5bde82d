import { describe, expect, it } from 'vitest';
import { readEnvironment, redactUrl } from '../../src/config/env.js';

describe('redactUrl never shows the password', () => {
  it.each([
    ['smtp://user:s3cret@mail.example.com:587', 'smtp://user:***@mail.example.com:587'],
    ['smtps://apikey:Sg/Abc+def==@smtp.example.com', 'smtps://apikey:***@smtp.example.com'],
    ['smtp://u:p@ss#w%rd@host:25', 'smtp://u:***@host:25'],
    ['smtp://user@host', 'smtp://user@host'],
    ['smtp://host:25', 'smtp://host:25'],
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
});
