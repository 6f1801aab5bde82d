import { afterEach, expect, it } from 'vitest';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A confirmation link mailed before the reader unsubscribed never lifts that unsubscribe, however
 * the reader left: here by a mail to the List-Unsubscribe address, which `bounces import` records
 * without spending the link the record holds.
 */

const SECRET = 'link-before-mail-unsubscribe-secret-0123';
const READER = 'kept.reader@example.com';
let h: SignupServer;
let clock = new Date('2026-12-01T10:00:00.000Z');

afterEach(() => h.close());

it('a link mailed to a kept reader before their unsubscribe by mail is refused, and they stay suppressed', async () => {
  h = await startSignupServer({ secret: SECRET, now: () => clock });
  // A reader of a subscribers file whose record the preferences page kept, with no consent yet.
  await h.store.insert(readerRecord(READER, { status: 'active', consent: null, roles: ['CTO'] }));
  expect((await h.post('/subscribe', form({ email: READER, roles: 'CTO' }))).status).toBe(200);
  expect(await h.mailCount(1)).toBe(1);
  const token = new URL(h.mails[0]!.url).searchParams.get('token')!;

  clock = new Date('2026-12-01T10:05:00.000Z');
  // What `bounces import` writes for the reader's mail to the List-Unsubscribe address.
  h.db
    .prepare("INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, 'unsubscribe', 'mailto', ?)")
    .run(READER, clock.toISOString());

  expect((await fetch(`${h.origin}/confirm?${new URLSearchParams({ token })}`)).status).toBe(410);
  expect((await h.post('/confirm', form({ token }))).status).toBe(410);
  expect(h.db.prepare('SELECT source FROM suppressions WHERE email = ?').get(READER)).toEqual({ source: 'mailto' });
});
