import { describe, expect, it } from 'vitest';
import {
  type ClickLink,
  signClickToken,
  signClickVariant,
  verifyClickToken,
  verifyClickVariant,
} from '../../src/analytics/token.js';
import { signToken } from '../../src/unsubscribe/token.js';

const SECRET = 'click-token-secret-0123456789abcdef';
const CLAIMS: ClickLink = {
  issueId: '2026-W48',
  summaryId: 'small-models-for-internal-search',
  role: 'Data Scientist',
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

  it('still reads a link token of an earlier release, with the role set it was signed with', () => {
    // Signed by rolecast 0.1 with the key below.
    const earlier =
      'WyJjMSIsIjIwMjYtVzQ4IiwiZXZhbC1oYXJuZXNzIiwiQ1RPIiwiY3RvK2V4ZWN1dGl2ZSIsImEiLCJodHRwczovL2V4YW1wbGUuY29tL3Bvc3Q_YT0xIl0.yK-YxItK5JMkM4EoCbRDdg';
    expect(verifyClickToken(earlier, 'legacy-links-secret-0123456789abcdef')).toEqual({
      issueId: '2026-W48',
      summaryId: 'eval-harness',
      role: 'CTO',
      variantId: 'cto+executive',
      kind: 'article',
      target: 'https://example.com/post?a=1',
    });
    expect(verifyClickToken(earlier, SECRET)).toBeUndefined();
  });

  it('signs the role set apart, for one issue: any change, another issue or key, or a click token is refused', () => {
    for (const variantId of ['data-scientist+product-manager', 'x'.repeat(200), 'équipe « données »']) {
      const value = signClickVariant(CLAIMS.issueId, variantId, SECRET);
      expect(value).toMatch(/^[\w-]*\.[\w-]{22}$/);
      expect(verifyClickVariant(value, CLAIMS.issueId, SECRET)).toBe(variantId);
      expect(verifyClickVariant(value, '2026-W49', SECRET)).toBeUndefined();
      expect(verifyClickVariant(value, CLAIMS.issueId, `${SECRET}x`)).toBeUndefined();
      for (let i = 0; i < value.length; i += 3)
        if (value[i] !== '.') expect(verifyClickVariant(flip(value, i), CLAIMS.issueId, SECRET)).toBeUndefined();
    }
    const token = signClickToken(CLAIMS, SECRET);
    expect(verifyClickVariant(token, CLAIMS.issueId, SECRET)).toBeUndefined();
    expect(verifyClickToken(signClickVariant(CLAIMS.issueId, 'cto', SECRET), SECRET)).toBeUndefined();
    for (const bad of [null, '', '.', 'abc', 'a.b.c'])
      expect(verifyClickVariant(bad, CLAIMS.issueId, SECRET)).toBeUndefined();
  });

  it('refuses a signed payload whose target is not http(s)', () => {
    expect(
      verifyClickToken(signClickToken({ ...CLAIMS, target: 'javascript:alert(1)' }, SECRET), SECRET),
    ).toBeUndefined();
  });
});
