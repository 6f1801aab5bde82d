import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signConfirmToken } from '../../src/serve/readers/tokens.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { readerRecord } from '../helpers/readers.js';
import { ONE_CLICK_BODY } from '../helpers/serve-project.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A list id is compared whatever its case (RFC 2919): links signed while the config wrote it with
 * capitals still work once it is written in lower case, on every page `serve` answers, as they do
 * for `bounces import`.
 */

const SECRET = 'list-id-case-key-0123456789abcdefghijklmn';
const clock = Date.parse('2026-12-01T10:00:00Z');

let h: SignupServer;
beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date(clock) });
});
afterEach(() => h.close());

/** The config's list id as an earlier config wrote it, with capitals. */
const capitalised = () => h.config.listId.toUpperCase();

async function activeReader(email: string) {
  const at = new Date(clock).toISOString();
  await h.store.insert(readerRecord(email, { roles: ['CTO'], createdAt: at, confirmedAt: at, updatedAt: at }));
}

const linkToken = (email: string) => signToken({ email, listId: capitalised() }, SECRET);

describe('a link signed with the list id in other capitals', () => {
  it('the one-click unsubscribe takes: 200 and the reader suppressed', async () => {
    await activeReader('caps@example.com');
    const response = await h.post(
      `/unsubscribe?${new URLSearchParams({ token: linkToken('caps@example.com') })}`,
      ONE_CLICK_BODY,
    );
    expect(response.status).toBe(200);
    expect(h.db.prepare('SELECT email FROM suppressions WHERE email = ?').get('caps@example.com')).toBeDefined();
  });

  it("the footer's unsubscribe link shows its button", async () => {
    const page = await fetch(
      `${h.origin}/unsubscribe?${new URLSearchParams({ token: linkToken('caps@example.com') })}`,
    );
    expect(page.status).toBe(200);
  });

  it('the preferences page shows the reader their settings', async () => {
    await activeReader('prefs@example.com');
    const page = await fetch(
      `${h.origin}/preferences?${new URLSearchParams({ token: linkToken('prefs@example.com') })}`,
    );
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('prefs@example.com');
  });

  it('a confirmation link confirms the signup', async () => {
    await h.post('/subscribe', form({ email: 'new@example.com', roles: 'CTO' }));
    expect(await h.mailCount(1)).toBe(1);
    const nonce = (await h.store.get('new@example.com'))!.confirmNonce!;
    const token = signConfirmToken(
      {
        purpose: 'signup',
        listId: capitalised(),
        email: 'new@example.com',
        from: undefined,
        nonce,
        expires: clock / 1000 + 3600,
      },
      SECRET,
    );
    expect((await h.post('/confirm', form({ token }))).status).toBe(200);
    expect(await h.store.get('new@example.com')).toMatchObject({ status: 'active' });
  });

  it('a link for another list is still refused everywhere', async () => {
    await activeReader('other@example.com');
    const token = signToken({ email: 'other@example.com', listId: `x${h.config.listId}` }, SECRET);
    const query = new URLSearchParams({ token });
    expect((await h.post(`/unsubscribe?${query}`, ONE_CLICK_BODY)).status).toBe(400);
    expect((await fetch(`${h.origin}/preferences?${query}`)).status).toBe(400);
    expect(h.db.prepare('SELECT email FROM suppressions WHERE email = ?').get('other@example.com')).toBeUndefined();
  });
});
