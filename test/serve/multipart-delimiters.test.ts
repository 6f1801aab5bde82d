import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A multipart/form-data body is read by its delimiters as RFC 2046 sets them: a boundary line of
 * its own, so the boundary's characters inside a value stay part of it; nothing before the first
 * delimiter or after the closing one is a field; and a body that ends before its closing delimiter
 * is refused, since its last value (an address) may be cut short and name another inbox.
 */

const SECRET = 'multipart-delimiters-key-0123456789abcdef';
const clock = Date.parse('2026-12-01T10:00:00Z');
const B = 'XyZ';

let h: SignupServer;
beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date(clock) });
});
afterEach(() => h.close());

const part = (name: string, value: string) =>
  `--${B}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;

const postRaw = (body: string) =>
  fetch(`${h.origin}/subscribe`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${B}` },
    body,
    redirect: 'manual',
  });

describe('multipart/form-data read by its delimiters', () => {
  it("keeps a value holding the boundary's characters mid-line whole", async () => {
    const response = await postRaw(
      `${part('name', `Ann --${B} Lee`)}${part('email', 'whole.name@example.com')}${part('roles', 'CTO')}--${B}--\r\n`,
    );
    expect(response.status).toBe(200);
    expect(await h.mailCount(1)).toBe(1);
    expect((await h.store.get('whole.name@example.com'))?.name).toBe(`Ann --${B} Lee`);
  });

  it('takes no field from the preamble or the epilogue', async () => {
    const fake = 'Content-Disposition: form-data; name="email"\r\n\r\npreamble@example.com\r\n';
    const response = await postRaw(
      `${fake}${part('email', 'real@example.com')}${part('roles', 'CTO')}--${B}--\r\n${fake}`,
    );
    expect(response.status).toBe(200);
    expect(await h.mailCount(1)).toBe(1);
    expect(h.mails.map((m) => m.to)).toEqual(['real@example.com']);
    expect(await h.store.get('preamble@example.com')).toBeUndefined();
  });

  it('refuses a body cut before its closing delimiter, mailing no address cut short', async () => {
    const whole = `${part('roles', 'CTO')}${part('email', 'cut.short@example.com')}--${B}--\r\n`;
    // Cut inside the address, where what is left is another valid address (example.co).
    const cut = whole.slice(0, whole.indexOf('example.com') + 'example.co'.length);
    const response = await postRaw(cut);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain('incomplete');
    expect(text).not.toContain('Enter a valid email address');
    expect(await h.store.get('cut.short@example.co')).toBeUndefined();
    // The same body whole signs up: what was refused was the cut alone.
    expect((await postRaw(whole)).status).toBe(200);
    expect(await h.mailCount(1)).toBe(1);
    expect(h.mails.map((m) => m.to)).toEqual(['cut.short@example.com']);
  });

  it('still takes a one-click unsubscribe posted as multipart, closed or not', async () => {
    for (const [email, close] of [
      ['closed@example.com', `--${B}--\r\n`],
      ['unclosed@example.com', ''],
    ] as const) {
      const token = signToken({ email, listId: h.config.listId }, SECRET);
      const response = await fetch(`${h.origin}/unsubscribe?${new URLSearchParams({ token })}`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${B}` },
        body: `${part('List-Unsubscribe', 'One-Click')}${close}`,
      });
      expect(response.status, email).toBe(200);
    }
  });
});
