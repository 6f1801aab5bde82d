import { describe, expect, it } from 'vitest';
import { type ClickClaims, signClickToken, verifyClickToken } from '../../src/analytics/token.js';
import { signToken } from '../../src/unsubscribe/token.js';

const SECRET = 'click-token-secret-0123456789abcdef';
const CLAIMS: ClickClaims = {
  issueId: '2026-W48',
  summaryId: 'small-models-for-internal-search',
  role: 'Data Scientist',
  variantId: 'data-scientist+product-manager',
  kind: 'article',
  target: 'https://example.org/tidewater/small-models-internal-search?utm=x&a=1',
};

/** Flips one character of the base64url payload, keeping it valid base64url. */
function flip(token: string, at: number): string {
  const c = token[at]!;
  return `${token.slice(0, at)}${c === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
}

describe('click tokens', () => {
  it('round-trips every claim, for each link kind', () => {
    for (const kind of ['article', 'source', 'archive'] as const) {
      const claims = { ...CLAIMS, kind };
      expect(verifyClickToken(signClickToken(claims, SECRET), SECRET)).toEqual(claims);
    }
  });

  it('is compact: URL-safe, one dot, a 128-bit MAC', () => {
    const token = signClickToken(CLAIMS, SECRET);
    expect(token).toMatch(/^[\w-]+\.[\w-]{22}$/);
  });

  it('refuses a token whose target was swapped, even with the old MAC', () => {
    const [, mac] = signClickToken(CLAIMS, SECRET).split('.');
    const forged = signClickToken({ ...CLAIMS, target: 'https://evil.example/' }, SECRET).split('.')[0];
    expect(verifyClickToken(`${forged}.${mac}`, SECRET)).toBeUndefined();
  });

  it('refuses any one-character change, a wrong key, truncation and extra parts', () => {
    const token = signClickToken(CLAIMS, SECRET);
    for (let i = 0; i < token.length; i += 7)
      if (token[i] !== '.') expect(verifyClickToken(flip(token, i), SECRET)).toBeUndefined();
    expect(verifyClickToken(token, `${SECRET}x`)).toBeUndefined();
    expect(verifyClickToken(token.slice(0, -1), SECRET)).toBeUndefined();
    expect(verifyClickToken(`${token}.x`, SECRET)).toBeUndefined();
    expect(verifyClickToken('', SECRET)).toBeUndefined();
  });

  it('never accepts an unsubscribe token signed with the same key', () => {
    const unsubscribe = signToken({ email: 'a@example.com', listId: 'weekly.example.com' }, SECRET);
    expect(verifyClickToken(unsubscribe, SECRET)).toBeUndefined();
  });

  it('refuses a signed payload whose target is not http(s)', () => {
    expect(
      verifyClickToken(signClickToken({ ...CLAIMS, target: 'javascript:alert(1)' }, SECRET), SECRET),
    ).toBeUndefined();
  });
});
