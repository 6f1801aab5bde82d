import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/load/limits.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { readerRecord } from '../helpers/readers.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A name field stops at the length the server keeps (the browser cuts a paste there without a
 * word): the signup and preferences pages say so beside each name field, in the page's language.
 */

const SECRET = 'name-limit-secret-0123456789abcdef';
let h: SignupServer;
beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date('2026-12-01T10:00:00Z') });
});
afterEach(() => h.close());

/** The hint a field names in aria-describedby, and the field's maxlength. */
function described(page: string, id: string): { maxlength: string | undefined; hint: string | undefined } {
  const input = new RegExp(`<input[^>]*\\bid="${id}"[^>]*>`).exec(page)?.[0] ?? '';
  const hintId = /aria-describedby="([^"]+)"/.exec(input)?.[1];
  const hint = hintId ? new RegExp(`<p[^>]*\\bid="${hintId}"[^>]*>([^<]*)</p>`).exec(page)?.[1] : undefined;
  return { maxlength: /maxlength="(\d+)"/.exec(input)?.[1], hint };
}

describe('name fields', () => {
  it('on the signup page say how long a name may be, the limit the field and the server keep', async () => {
    const page = await (await fetch(`${h.origin}/subscribe`)).text();
    expect(described(page, 'name')).toEqual({
      maxlength: String(LIMITS.nameLength),
      hint: `Up to ${LIMITS.nameLength} characters.`,
    });
  });

  it("on the preferences page say it for the name and the first name, in the reader's language", async () => {
    await h.store.insert(readerRecord('leser@example.com', { roles: ['CTO'], locale: 'de' }));
    const token = signToken({ email: 'leser@example.com', listId: h.config.listId }, SECRET);
    const page = await (await fetch(`${h.origin}/preferences?${new URLSearchParams({ token })}`)).text();
    expect(page).toContain('lang="de"');
    const expected = `Bis zu ${LIMITS.nameLength} Zeichen.`;
    expect(described(page, 'name')).toEqual({ maxlength: String(LIMITS.nameLength), hint: expected });
    expect(described(page, 'firstName')).toEqual({ maxlength: String(LIMITS.nameLength), hint: expected });
  });
});
