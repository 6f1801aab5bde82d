import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A signup posted by another site's form may name known roles joined in one value
 * ("CTO/VP Engineering"): the reader asked for each, as a subscribers file's cell is read.
 */

let h: SignupServer;
beforeEach(async () => {
  h = await startSignupServer({ secret: 'signup-joined-roles-secret-0123456789ab', now: () => new Date() });
});
afterEach(() => h.close());

describe('a signup naming known roles joined in one value', () => {
  it('keeps each role, over JSON and from a form', async () => {
    const json = await h.post(
      '/subscribe',
      JSON.stringify({ email: 'jo@example.com', roles: ['CTO/VP Engineering'] }),
      { 'content-type': 'application/json' },
    );
    expect(json.status).toBe(202);
    const posted = await h.post('/subscribe', form({ email: 'kim@example.com', roles: ['CEO & CTO'] }), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(posted.status).toBe(200);
    expect(await h.mailCount(2)).toBe(2);
    expect((await h.store.get('jo@example.com'))?.roles).toEqual(['CTO', 'VP of Engineering/Data']);
    expect((await h.store.get('kim@example.com'))?.roles).toEqual(['Executive', 'CTO']);
  });

  it('still drops a value with a part no role names: a post cannot invent roles', async () => {
    await h.post('/subscribe', JSON.stringify({ email: 'lee@example.com', roles: ['CTO/Space Cadet', 'CTO'] }), {
      'content-type': 'application/json',
    });
    expect(await h.mailCount(1)).toBe(1);
    expect((await h.store.get('lee@example.com'))?.roles).toEqual(['CTO']);
  });
});
