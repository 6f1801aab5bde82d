import { afterEach, expect, it } from 'vitest';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A bounce that lands after the confirmation page asked the suppression list, just before it
 * activated the reader, had that reader sent a welcome mail.
 */

const SECRET = 'bounce-during-confirm-secret-0123456789';
const READER = 'racing.bounce@example.com';
let h: SignupServer;
let bounceBeforeNextTransaction = false;

afterEach(() => h.close());

it('a bounce landing as the confirmation begins: no welcome mail, and the page says the link cannot be used', async () => {
  h = await startSignupServer({
    secret: SECRET,
    now: () => new Date('2026-12-01T10:00:00Z'),
    readers: { welcome: true },
    wrap: (store) => ({
      ...store,
      transaction: (work) => {
        if (bounceBeforeNextTransaction) {
          bounceBeforeNextTransaction = false;
          // What a provider's webhook writes for a hard bounce of the confirmation mail.
          h.db
            .prepare(
              "INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, 'bounce', 'ses', '2026-12-01T10:01:00Z')",
            )
            .run(READER);
        }
        return store.transaction(work);
      },
    }),
  });
  expect((await h.post('/subscribe', form({ email: READER, roles: 'CTO' }))).status).toBe(200);
  await h.mailCount(1);
  const token = new URL(h.mails.at(-1)!.url).searchParams.get('token')!;
  bounceBeforeNextTransaction = true;
  expect((await h.post('/confirm', form({ token }))).status).toBe(400);
  expect(bounceBeforeNextTransaction).toBe(false);
  // Stored as confirmed, it is still never mailed: every send leaves suppressed addresses out.
  expect(await h.db.prepare('SELECT 1 FROM suppressions WHERE email = ?').get(READER)).toBeDefined();
  // The welcome mail goes out as the page answers: by now it would be here.
  expect(h.mails).toHaveLength(1);
});
