import { afterEach, expect, it } from 'vitest';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A second signup of a reader coming back after an unsubscribe, while their link works, mails that
 * link again and spends nothing: anyone may post the address, as for a pending signup.
 */

const SECRET = 'signup-again-link-kept-secret-0123456789';
const READER = 'came.back@example.com';
let h: SignupServer;
let clock = new Date('2026-12-01T10:00:00.000Z');

afterEach(() => h.close());

it("another post of the address keeps the reader's confirmation link working", async () => {
  h = await startSignupServer({ secret: SECRET, now: () => clock });
  const consent = { at: '2026-11-01T10:00:00.000Z', method: 'form' as const, wording: 'signup form' };
  await h.store.insert(readerRecord(READER, { status: 'active', consent, roles: ['CTO'] }));
  // Their one-click unsubscribe, an hour before they sign up again.
  h.db
    .prepare("INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, 'unsubscribe', 'one-click', ?)")
    .run(READER, '2026-12-01T09:00:00.000Z');
  expect((await h.post('/subscribe', form({ email: READER, roles: 'CTO' }))).status).toBe(200);
  expect(await h.mailCount(1)).toBe(1);
  const first = new URL(h.mails[0]!.url).searchParams.get('token')!;

  clock = new Date('2026-12-01T10:20:00.000Z');
  expect((await h.post('/subscribe', form({ email: READER, roles: 'Executive' }))).status).toBe(200);
  expect(await h.mailCount(2)).toBe(2);
  // The second mail carries the same link (sealed anew): both open, and one confirm spends both.
  for (const mail of h.mails)
    expect((await fetch(mail.url.replace('https://rolecast.example', h.origin))).status).toBe(200);
  const second = new URL(h.mails[1]!.url).searchParams.get('token')!;

  expect((await h.post('/confirm', form({ token: first }))).status).toBe(200);
  expect((await h.post('/confirm', form({ token: second }))).status).toBe(410);
  expect(await h.store.get(READER)).toMatchObject({ status: 'active', roles: ['CTO'] });
  expect(h.db.prepare('SELECT 1 FROM suppressions WHERE email = ?').get(READER)).toBeUndefined();
});
