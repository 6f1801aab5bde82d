import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signCsrf } from '../../src/serve/readers/tokens.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A new address typed on the preferences page and sent twice (a double click on Save, the form sent
 * again before the reader read their mail) mails two confirmations. The reader opens the first one
 * that arrives: it must confirm, not answer that the link no longer works.
 */

const SECRET = 'address-change-twice-secret-0123456789';
const clock = Date.parse('2026-12-01T10:00:00Z');

let h: SignupServer;
beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date(clock) });
  const at = new Date(clock).toISOString();
  await h.store.insert(
    readerRecord('old@example.com', { roles: ['CTO'], createdAt: at, confirmedAt: at, updatedAt: at }),
  );
});
afterEach(() => h.close());

const path = () =>
  `/preferences?${new URLSearchParams({ token: signToken({ email: 'old@example.com', listId: h.config.listId }, SECRET) })}`;
const csrf = () => signCsrf('old@example.com', SECRET, new Date(clock));
const linkOf = (n: number) => new URL(h.mails[n]!.url).searchParams.get('token')!;

async function askFor(email: string, mails: number): Promise<void> {
  const response = await h.post(path(), form({ csrf: csrf(), action: 'save', email, roles: 'CTO' }));
  expect(response.status).toBe(303);
  expect(await h.mailCount(mails)).toBe(mails);
}

describe('an address change sent twice', () => {
  it.each([
    ['first', 0, 1],
    ['second', 1, 0],
  ])('confirms with the link of the %s mail, once', async (_which, used, spent) => {
    await askFor('new@example.com', 1);
    await askFor('new@example.com', 2);
    expect(h.mails.map((m) => m.to)).toEqual(['new@example.com', 'new@example.com']);
    expect((await h.post('/confirm', form({ token: linkOf(used) }))).status).toBe(200);
    expect(await h.store.get('new@example.com')).toMatchObject({ roles: ['CTO'] });
    // Used once: the other mail's link is spent with it.
    expect((await h.post('/confirm', form({ token: linkOf(spent) }))).status).toBe(410);
  });

  it('to another address in between leaves only the latest address’s link working', async () => {
    await askFor('new@example.com', 1);
    await askFor('other@example.com', 2);
    await askFor('new@example.com', 3);
    expect((await h.post('/confirm', form({ token: linkOf(1) }))).status).toBe(410);
    expect((await h.post('/confirm', form({ token: linkOf(0) }))).status).toBe(410);
    expect((await h.post('/confirm', form({ token: linkOf(2) }))).status).toBe(200);
    expect(await h.store.get('other@example.com')).toBeUndefined();
  });
});
