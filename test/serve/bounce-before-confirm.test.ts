import { afterEach, beforeEach, expect, it } from 'vitest';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A bounce or complaint wins over a signup: an address suppressed between its signup and the
 * click on its confirmation link is not made a reader, and signing up again mails nothing.
 */

const SECRET = 'bounce-before-confirm-secret-0123456789';
let h: SignupServer;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date('2026-12-01T10:00:00Z') });
});
afterEach(() => h.close());

it('refuses the confirmation of an address that bounced after its signup, and mails it no more', async () => {
  expect((await h.post('/subscribe', form({ email: 'late.bounce@example.com', roles: 'CTO' }))).status).toBe(200);
  await h.mailCount(1);
  const token = new URL(h.mails.at(-1)!.url).searchParams.get('token')!;
  // What a provider's webhook writes for a hard bounce of an earlier issue to this address.
  h.db
    .prepare(
      "INSERT INTO suppressions (email, reason, source, created_at) VALUES ('late.bounce@example.com', 'bounce', 'ses', '2026-12-01T10:01:00Z')",
    )
    .run();
  expect((await h.post('/confirm', form({ token }))).status).toBe(400);
  expect(await h.store.get('late.bounce@example.com')).toMatchObject({ status: 'pending' });
  expect((await h.post('/subscribe', form({ email: 'late.bounce@example.com', roles: 'CTO' }))).status).toBe(200);
  // A signup after it is mailed: once its mail is out, the suppressed address has had no second one.
  expect((await h.post('/subscribe', form({ email: 'after@example.com', roles: 'CTO' }))).status).toBe(200);
  await h.mailCount(2);
  expect(h.mails.map((mail) => mail.to)).toEqual(['late.bounce@example.com', 'after@example.com']);
});
