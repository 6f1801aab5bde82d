import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyConfirmToken } from '../../src/serve/readers/tokens.js';
import { newReader } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A confirmation link for an address change goes to the new address and names the reader's
 * current one: whoever holds the new address (a typo, a stranger's) must not read the old one out
 * of the link. Its token's fields are sealed; a link of an earlier release, signed only, still works.
 */

const SECRET = 'confirm-sealed-secret-0123456789abcdef';
const clock = Date.parse('2026-12-01T10:00:00Z');
let h: SignupServer;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date(clock) });
});
afterEach(() => h.close());

const prefsUrl = (email: string) =>
  `${h.origin}/preferences?${new URLSearchParams({ token: signToken({ email, listId: h.config.listId }, SECRET) })}`;
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** Every way the token's text could be read: as written, and each part decoded from base64url. */
function readable(token: string): string {
  return [token, ...token.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1'))].join('\n');
}

describe('an address change confirmation link', () => {
  it('does not carry the current address, or the new one, readable in its token', async () => {
    await h.store.insert({
      ...newReader('ann.private@example.com', new Date(clock)),
      status: 'active',
      roles: ['CTO'],
    });
    const page = await (await fetch(prefsUrl('ann.private@example.com'))).text();
    const saved = await h.post(
      prefsUrl('ann.private@example.com').slice(h.origin.length),
      form({ csrf: csrfOf(page), action: 'save', email: 'typo-stranger@example.com', roles: 'CTO' }),
    );
    expect(saved.status).toBe(303);
    expect(await h.mailCount(1)).toBe(1);
    const mail = h.mails[0]!;
    expect(mail.to).toBe('typo-stranger@example.com');
    const token = new URL(mail.url).searchParams.get('token')!;
    expect(readable(token)).not.toMatch(/ann\.private|typo-stranger|example\.com/);
    expect(JSON.stringify(mail)).not.toContain('ann.private');
    // The server still reads it, and the change goes through.
    const check = verifyConfirmToken(token, SECRET, h.config.listId, new Date(clock));
    expect(check).toMatchObject({
      ok: true,
      claims: { from: 'ann.private@example.com', email: 'typo-stranger@example.com' },
    });
    const confirmed = await h.post('/confirm', form({ token }));
    expect(confirmed.status).toBe(200);
    expect(await h.store.get('typo-stranger@example.com')).toMatchObject({ roles: ['CTO'] });
  });

  it('of an earlier release, signed but not sealed, is still honoured until it expires', () => {
    const payload = Buffer.from(
      JSON.stringify([
        'r1',
        'address',
        h.config.listId,
        'new@example.com',
        'old@example.com',
        'n0nce',
        clock / 1000 + 3600,
      ]),
    ).toString('base64url');
    const key = createHmac('sha256', SECRET).update('rolecast reader pages: confirm').digest();
    const token = `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
    expect(verifyConfirmToken(token, SECRET, h.config.listId, new Date(clock))).toMatchObject({
      ok: true,
      claims: { purpose: 'address', email: 'new@example.com', from: 'old@example.com', nonce: 'n0nce' },
    });
    expect(verifyConfirmToken(token, SECRET, h.config.listId, new Date(clock + 2 * 3600_000))).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifyConfirmToken(token, 'another-secret-0123456789abcdefghij', h.config.listId, new Date(clock))).toEqual({
      ok: false,
      reason: 'forged',
    });
  });
});
