import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signConfirmToken, signCsrf } from '../../src/serve/readers/tokens.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * After ROLECAST_SECRET is rotated (the old key in ROLECAST_SECRET_PREVIOUS), what a reader was
 * handed under the old key still works: the confirmation link mailed a moment before, and the
 * preferences page they opened before, whose form carries a token signed with the old key.
 */

const CURRENT = 'current-reader-pages-key-0123456789abcdef';
const OLD = 'old-reader-pages-key-0123456789abcdefghij';
const STRANGER = 'stranger-reader-pages-key-0123456789abcd';
const clock = Date.parse('2026-12-01T10:00:00Z');

let h: SignupServer;
beforeEach(async () => {
  h = await startSignupServer({ secret: CURRENT, previousSecrets: [OLD], now: () => new Date(clock) });
});
afterEach(() => h.close());

/** A confirmation link for the nonce the store holds, as the old key signed it before the rotation. */
async function linkSignedWith(key: string, purpose: 'signup' | 'address', email: string, from?: string) {
  const nonce = (await h.store.get(from ?? email))!.confirmNonce!;
  const expires = clock / 1000 + 3600;
  return signConfirmToken({ purpose, listId: h.config.listId, email, from, nonce, expires }, key);
}

const prefsPath = (email: string, key: string) =>
  `/preferences?${new URLSearchParams({ token: signToken({ email, listId: h.config.listId }, key) })}`;

async function activeReader(email: string) {
  const at = new Date(clock).toISOString();
  await h.store.insert(readerRecord(email, { roles: ['CTO'], createdAt: at, confirmedAt: at, updatedAt: at }));
}

describe('reader pages after the signing key was rotated', () => {
  it('a signup link mailed under the old key confirms the reader, once', async () => {
    await h.post('/subscribe', form({ email: 'early@example.com', roles: 'CTO' }));
    expect(await h.mailCount(1)).toBe(1);
    const token = await linkSignedWith(OLD, 'signup', 'early@example.com');
    const page = await fetch(`${h.origin}/confirm?${new URLSearchParams({ token })}`);
    expect(page.status).toBe(200);
    const confirmed = await h.post('/confirm', form({ token }));
    expect(confirmed.status).toBe(200);
    expect(await h.store.get('early@example.com')).toMatchObject({ status: 'active', confirmNonce: null });
    expect((await h.post('/confirm', form({ token }))).status).toBe(410);
  });

  it('a new address confirmed by a link mailed under the old key moves the reader', async () => {
    await activeReader('before@example.com');
    const csrf = signCsrf('before@example.com', CURRENT, new Date(clock));
    await h.post(
      prefsPath('before@example.com', CURRENT),
      form({ csrf, do: 'save', roles: 'CTO', email: 'after@example.com' }),
    );
    expect(await h.mailCount(1)).toBe(1);
    const token = await linkSignedWith(OLD, 'address', 'after@example.com', 'before@example.com');
    expect((await h.post('/confirm', form({ token }))).status).toBe(200);
    expect(await h.store.get('after@example.com')).toMatchObject({ status: 'active', roles: ['CTO'] });
    expect(await h.store.get('before@example.com')).toBeUndefined();
  });

  it('an unsubscribe from a page shown before the rotation takes: the reader is suppressed', async () => {
    await activeReader('leaving@example.com');
    const csrf = signCsrf('leaving@example.com', OLD, new Date(clock));
    const response = await h.post(prefsPath('leaving@example.com', OLD), form({ csrf, do: 'unsubscribe' }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toContain('done=unsubscribed');
    expect((await h.store.get('leaving@example.com'))?.status).toBe('unsubscribed');
    const row = h.db.prepare('SELECT email FROM suppressions WHERE email = ?').get('leaving@example.com');
    expect(row).toBeDefined();
  });

  it('a change saved from a page shown before the rotation is kept', async () => {
    await activeReader('roles@example.com');
    const csrf = signCsrf('roles@example.com', OLD, new Date(clock));
    const response = await h.post(
      prefsPath('roles@example.com', CURRENT),
      form({ csrf, do: 'save', roles: 'Executive' }),
    );
    expect(response.status).toBe(303);
    expect((await h.store.get('roles@example.com'))?.roles).toEqual(['Executive']);
  });

  it('a key serve was never given still confirms nobody and changes nothing', async () => {
    await h.post('/subscribe', form({ email: 'forged@example.com', roles: 'CTO' }));
    expect(await h.mailCount(1)).toBe(1);
    const token = await linkSignedWith(STRANGER, 'signup', 'forged@example.com');
    expect((await h.post('/confirm', form({ token }))).status).toBe(400);
    expect((await h.store.get('forged@example.com'))?.status).toBe('pending');
    await activeReader('kept@example.com');
    const csrf = signCsrf('kept@example.com', STRANGER, new Date(clock));
    expect((await h.post(prefsPath('kept@example.com', CURRENT), form({ csrf, do: 'unsubscribe' }))).status).toBe(403);
    expect((await h.store.get('kept@example.com'))?.status).toBe('active');
  });
});
