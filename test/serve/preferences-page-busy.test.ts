import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SubscriberStore } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * The preferences page while the reader store cannot be read (a lock held past its timeout, a
 * database that does not answer in time): like an unsubscribe then, a 503 with a Retry-After, in
 * the reader's language, so a browser or a link checker comes back; never a 500.
 */

const SECRET = 'prefs-page-busy-secret-0123456789abcdef';
const READER = 'jonas@example.org';
let h: SignupServer;

const busy = (store: SubscriberStore): SubscriberStore => ({
  ...store,
  get: async () => {
    throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
  },
});

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date(), wrap: busy });
});
afterEach(() => h.close());

describe('the preferences page while the store is locked', () => {
  it.each([
    ['en', 'Please try again later'],
    ['de', 'Bitte versuchen Sie es später noch einmal'],
  ])('answers 503 with a Retry-After (%s)', async (language, said) => {
    const path = `/preferences?${new URLSearchParams({ token: signToken({ email: READER, listId: h.config.listId }, SECRET) })}`;
    const response = await fetch(`${h.origin}${path}`, { headers: { 'accept-language': language } });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('60');
    expect(await response.text()).toContain(said);
    expect(h.logs.join('\n')).toContain('the preferences page could not be shown: database is locked');
  });
});
