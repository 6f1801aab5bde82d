import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signCsrf } from '../../src/serve/readers/tokens.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { readerRecord } from '../helpers/readers.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A signup form pasted into another site whose page builder posts `multipart/form-data` (as a
 * form with `enctype="multipart/form-data"` does) signs its visitors up like the form `serve`
 * prints, and the reader pages read such a post as they read a urlencoded one; a body of a type no
 * form sends is told so (415), never that the address was not valid.
 */

const SECRET = 'multipart-forms-key-0123456789abcdefghijk';
const clock = Date.parse('2026-12-01T10:00:00Z');

let h: SignupServer;
beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date(clock) });
});
afterEach(() => h.close());

/** The body a browser builds for a form with enctype="multipart/form-data" (a list repeats its field). */
function multipart(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const one of [value].flat()) data.append(name, one);
  return data;
}

const postMultipart = (path: string, data: FormData) =>
  fetch(`${h.origin}${path}`, { method: 'POST', body: data, redirect: 'manual' });

/** A confirmed reader of the CTO role, with the link token and CSRF token of their preferences page. */
async function storedReader(email: string): Promise<{ token: string; csrf: string }> {
  const at = new Date(clock).toISOString();
  await h.store.insert(readerRecord(email, { roles: ['CTO'], createdAt: at, confirmedAt: at, updatedAt: at }));
  return {
    token: signToken({ email, listId: h.config.listId }, SECRET),
    csrf: signCsrf(email, SECRET, new Date(clock)),
  };
}

describe('forms posted as multipart/form-data', () => {
  it('a signup is answered "check your inbox" and mails its confirmation', async () => {
    const response = await postMultipart(
      '/subscribe',
      multipart({ email: 'Multi.Part@example.com', roles: ['CTO', 'Executive'], name: 'Multi Part', website: '' }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Check your inbox');
    expect(await h.mailCount(1)).toBe(1);
    expect(h.mails[0]?.to).toBe('Multi.Part@example.com');
    expect(await h.store.get('multi.part@example.com')).toMatchObject({
      status: 'pending',
      name: 'Multi Part',
      roles: ['CTO', 'Executive'],
    });
  });

  it("a filled honeypot is still a bot's post: the same answer, nothing stored or mailed", async () => {
    const response = await postMultipart(
      '/subscribe',
      multipart({ email: 'bot@example.com', roles: 'CTO', website: 'https://spam.example' }),
    );
    expect(response.status).toBe(200);
    expect(await h.store.get('bot@example.com')).toBeUndefined();
    expect(h.mails).toHaveLength(0);
  });

  it('a preferences change with its CSRF token is saved', async () => {
    const { token, csrf } = await storedReader('prefs@example.com');
    const response = await postMultipart(
      `/preferences?${new URLSearchParams({ token })}`,
      multipart({ csrf, do: 'save', roles: 'Executive', email: 'prefs@example.com' }),
    );
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/done=saved$/);
    expect((await h.store.get('prefs@example.com'))?.roles).toEqual(['Executive']);
  });

  it('a body of another type is refused as such (415), with nothing stored or mailed', async () => {
    for (const type of ['text/plain', 'application/octet-stream', 'application/xml']) {
      const response = await fetch(`${h.origin}/subscribe`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'email=typed%40example.com&roles=CTO',
      });
      expect(response.status, type).toBe(415);
      const text = await response.text();
      expect(text, type).not.toContain('Enter a valid email address');
      expect(text, type).toContain('form');
    }
    expect(await h.store.get('typed@example.com')).toBeUndefined();
    expect(h.mails).toHaveLength(0);
  });
  it('a body of another type to the preferences or confirmation page is refused as such (415), nothing changed', async () => {
    const { token, csrf } = await storedReader('plain@example.com');
    const body = new URLSearchParams({ csrf, do: 'save', roles: 'Executive' }).toString();
    const preferences = await h.post(`/preferences?${new URLSearchParams({ token })}`, body, {
      'content-type': 'text/plain',
    });
    expect(preferences.status).toBe(415);
    expect(await preferences.text()).not.toContain('expired');
    expect((await h.store.get('plain@example.com'))?.roles).toEqual(['CTO']);

    await h.post('/subscribe', new URLSearchParams({ email: 'confirm.plain@example.com', roles: 'CTO' }).toString());
    expect(await h.mailCount(1)).toBe(1);
    const link = new URL(h.mails[0]!.url).searchParams.get('token')!;
    const confirm = await h.post('/confirm', new URLSearchParams({ token: link }).toString(), {
      'content-type': 'application/xml',
    });
    expect(confirm.status).toBe(415);
    expect(await confirm.text()).not.toContain('not valid');
    expect((await h.store.get('confirm.plain@example.com'))?.status).toBe('pending');
  });
});
