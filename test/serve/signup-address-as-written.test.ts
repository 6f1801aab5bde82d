import { readdir, readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMain } from '../helpers/project.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * An address typed into the signup form keeps its case (RFC 5321: the local part may be
 * case-sensitive): its confirmation goes there, and so does every issue once it is confirmed. The
 * lower-cased form stays the key.
 */

const SECRET = 'signup-as-written-secret-0123456789abcdef';
let h: SignupServer;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
});
afterEach(() => h.close());

const confirmLast = async () => {
  const token = new URL(h.mails.at(-1)!.url).searchParams.get('token')!;
  expect((await h.post('/confirm', form({ token }))).status).toBe(200);
};

describe('a signup typed with capitals', () => {
  it('is confirmed and mailed at the address as typed', async () => {
    expect((await h.post('/subscribe', form({ email: 'John.Smith@Example.com', roles: 'CTO' }))).status).toBe(200);
    expect(await h.mailCount(1)).toBe(1);
    expect(h.mails[0]!.to).toBe('John.Smith@example.com');
    await confirmLast();

    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    // Outbox files are named by the key; the message names the address as typed.
    expect(await readdir(h.project.path('outbox/2026-W48'))).toEqual(['john.smith@example.com.eml']);
    const eml = await readFile(h.project.path('outbox/2026-W48/john.smith@example.com.eml'), 'utf8');
    expect(eml).toMatch(/^To: <?John\.Smith@example\.com>?$/m);
  });

  it('posted again in another case while its link works, mails the link again to the first spelling', async () => {
    await h.post('/subscribe', form({ email: 'John.Smith@example.com', roles: 'CTO' }));
    expect(await h.mailCount(1)).toBe(1);
    await h.post('/subscribe', form({ email: 'JOHN.SMITH@example.com', roles: 'CTO' }));
    expect(await h.mailCount(2)).toBe(2);
    expect(h.mails.map((m) => m.to)).toEqual(['John.Smith@example.com', 'John.Smith@example.com']);
  });

  it('gets its welcome mail at the address as typed too', async () => {
    await h.close();
    h = await startSignupServer({ secret: SECRET, now: () => new Date(), readers: { welcome: true } });
    await h.post('/subscribe', form({ email: 'Mary.Major@example.com', roles: 'CTO' }));
    expect(await h.mailCount(1)).toBe(1);
    await confirmLast();
    expect(await h.mailCount(2)).toBe(2);
    expect(h.mails.map((m) => [m.to, m.subject.startsWith('Welcome')])).toEqual([
      ['Mary.Major@example.com', false],
      ['Mary.Major@example.com', true],
    ]);
  });

  it('typed in lower case is mailed at the key as before', async () => {
    await h.post('/subscribe', form({ email: 'ann@example.com', roles: 'CTO' }));
    expect(await h.mailCount(1)).toBe(1);
    expect(h.mails[0]!.to).toBe('ann@example.com');
    await confirmLast();
    const sent = await runMain(h.project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect(await readdir(h.project.path('outbox/2026-W48'))).toEqual(['ann@example.com.eml']);
  });
});
