import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/schema.js';
import type { ReaderMail } from '../../src/serve/readers/mail.js';
import { signConfirmToken } from '../../src/serve/readers/tokens.js';
import type { ReaderRoutes } from '../../src/serve/routes/index.js';
import { newReader, type SubscriberStore } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { runMain, type TempProject } from '../helpers/project.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

const SECRET = 'subscribe-test-secret-0123456789abcdef';

let h: SignupServer;
let project: TempProject;
let config: ResolvedConfig;
let store: SubscriberStore;
let readers: ReaderRoutes;
let origin: string;
let mails: ReaderMail[];
let clock: number;

async function start(overrides: Partial<ResolvedConfig['readers']> = {}) {
  clock = Date.parse('2026-12-01T10:00:00Z');
  h = await startSignupServer({ secret: SECRET, now: () => new Date(clock), readers: overrides });
  ({ project, config, store, readers, origin, mails } = h);
}

beforeEach(() => start());
afterEach(() => h.close());

const post: SignupServer['post'] = (...args) => h.post(...args);
const mailCount: SignupServer['mailCount'] = (count) => h.mailCount(count);

/** The link in the last mail, pointed at this server as a reverse proxy would. */
function lastLink(): URL {
  const link = new URL(mails.at(-1)!.url);
  return new URL(`${origin}${link.pathname}${link.search}`);
}

describe('GET /subscribe', () => {
  it('serves the form with grouped roles, their descriptions, strict CSP and no-store', async () => {
    const response = await fetch(`${origin}/subscribe`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toMatch(/unsafe-inline'[^;]*script|script-src[^;]*unsafe/);
    const html = await response.text();
    expect(html).toMatch(/<legend>Leadership<\/legend>/);
    expect(html).toContain('Technology strategy, platforms and build-or-buy calls');
    expect(html).toMatch(/name="website"/);
  });

  it('answers in German for a German browser', async () => {
    const html = await (
      await fetch(`${origin}/subscribe`, { headers: { 'accept-language': 'de-DE,de;q=0.9' } })
    ).text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('Abonnieren');
  });
});

describe('a confirmation mail the mail server refuses', () => {
  it('is logged without the address the refusal quotes', async () => {
    await h.close();
    h = await startSignupServer({
      secret: SECRET,
      now: () => new Date(clock),
      refuseMail: (mail) =>
        new Error(`Can't send mail - all recipients were rejected: 550 5.1.1 <${mail.to}>: No such user`),
    });
    ({ origin } = h);
    const response = await h.post('/subscribe', form({ email: 'new.reader3@example.com', roles: 'CTO' }));
    expect(response.status).toBe(200);
    await expect.poll(() => h.logs.find((line) => line.includes('could not send a confirmation mail'))).toBeTruthy();
    const line = h.logs.find((l) => l.includes('could not send a confirmation mail'))!;
    expect(line).toContain('n••••@example.com');
    expect(h.logs.join('\n')).not.toContain('new.reader3');
  });
});

describe('POST /subscribe', () => {
  it('gives the same answer for a new, a pending, an active and a suppressed address (no enumeration)', async () => {
    await post('/subscribe', form({ email: 'active@example.com', roles: 'CTO' }));
    await mailCount(1);
    const confirm = await post('/confirm', form({ token: lastLink().searchParams.get('token')! }));
    expect(confirm.status).toBe(200);
    h.db.prepare("INSERT INTO suppressions (email, created_at) VALUES ('suppressed@example.com', 'now')").run();
    await post('/subscribe', form({ email: 'pending@example.com', roles: 'CTO' }));
    await mailCount(2);
    mails.length = 0;

    const answers: string[] = [];
    for (const email of ['new@example.com', 'pending@example.com', 'active@example.com', 'suppressed@example.com']) {
      const response = await post('/subscribe', form({ email, roles: ['CTO', 'Executive'] }));
      expect(response.status).toBe(200);
      answers.push((await response.text()).replace(email.replace(/^(.).*@/, '$1••••@'), 'ADDRESS'));
    }
    expect(new Set(answers).size).toBe(1);
    await mailCount(2);
    // Mail only to the new and the still-pending address: never to a reader or a suppressed address.
    expect(mails.map((m) => m.to).sort()).toEqual(['new@example.com', 'pending@example.com']);
    const json = await post('/subscribe', JSON.stringify({ email: 'active@example.com', roles: ['CTO'] }), {
      'content-type': 'application/json',
    });
    expect(json.status).toBe(202);
    expect(await json.json()).toEqual({ status: 'check-your-inbox' });
  });

  it('records a pending reader with its consent; a filled honeypot records nothing', async () => {
    await post(
      '/subscribe',
      form({
        email: 'Reader@Example.com',
        name: 'Rea',
        roles: ['cto', 'nonsense'],
        timezone: 'Europe/Berlin',
        locale: 'de',
      }),
    );
    await mailCount(1);
    expect(await store.get('reader@example.com')).toMatchObject({
      status: 'pending',
      roles: ['CTO'],
      timezone: 'Europe/Berlin',
      locale: 'de',
      consent: { method: 'form', wording: 'v1' },
    });
    const bot = await post(
      '/subscribe',
      form({ email: 'bot@example.com', roles: 'CTO', website: 'http://spam.example' }),
    );
    expect(bot.status).toBe(200);
    expect(await store.get('bot@example.com')).toBeUndefined();
    expect(mails).toHaveLength(1);
  });

  it('a second signup of a pending address mails its link again, keeping its details and its first link', async () => {
    await post('/subscribe', form({ email: 'eve@example.com', name: 'Eve', roles: 'CTO', locale: 'en' }));
    await mailCount(1);
    const evesLink = lastLink();
    // Anyone can post an address: the second post changes neither the details nor the link.
    await post('/subscribe', form({ email: 'eve@example.com', name: 'Mallory', roles: 'Executive', locale: 'de' }));
    await mailCount(2);
    expect(mails.map((m) => m.to)).toEqual(['eve@example.com', 'eve@example.com']);
    expect(await store.get('eve@example.com')).toMatchObject({ name: 'Eve', roles: ['CTO'], locale: 'en-GB' });
    // Both mails carry the one link: the second confirms, and the first is then spent.
    const confirmed = await post('/confirm', form({ token: lastLink().searchParams.get('token')! }));
    expect(confirmed.status).toBe(200);
    expect(await store.get('eve@example.com')).toMatchObject({ status: 'active', name: 'Eve', roles: ['CTO'] });
    expect((await post('/confirm', form({ token: evesLink.searchParams.get('token')! }))).status).toBe(410);
  });

  it('a link mailed again ends when the first one does, and the mail says how long it has left', async () => {
    await post('/subscribe', form({ email: 'kim@example.com', roles: 'CTO' }));
    await mailCount(1);
    clock += (config.readers.confirmHours - 2) * 3600 * 1000;
    await post('/subscribe', form({ email: 'kim@example.com', roles: 'CTO' }));
    await mailCount(2);
    const again = lastLink();
    expect(JSON.stringify(mails.at(-1))).toMatch(/\b2 hours?\b/);
    clock += 3 * 3600 * 1000;
    expect((await post('/confirm', form({ token: again.searchParams.get('token')! }))).status).not.toBe(200);
  });

  it('lets an address the preferences page kept, with no consent, sign up and become a reader, keeping its own settings', async () => {
    await store.insert(newReader('kept@example.com', new Date(clock), { roles: ['CTO'], name: 'Kept' }));
    // Anyone may post the address: nothing of the record changes until its owner confirms.
    await post('/subscribe', form({ email: 'kept@example.com', name: 'Stranger', roles: 'Executive' }));
    await mailCount(1);
    expect(await store.get('kept@example.com')).toMatchObject({
      status: 'active',
      consent: null,
      name: 'Kept',
      roles: ['CTO'],
    });
    expect((await post('/confirm', form({ token: lastLink().searchParams.get('token')! }))).status).toBe(200);
    expect(await store.get('kept@example.com')).toMatchObject({
      status: 'active',
      name: 'Kept',
      roles: ['CTO'],
      consent: { method: 'form' },
    });
    expect(await store.get('kept@example.com')).toHaveProperty('confirmedAt', expect.any(String));
  });

  it('a signup whose links have expired starts over with the new details and a new link', async () => {
    await post('/subscribe', form({ email: 'late@example.com', name: 'Old', roles: 'CTO' }));
    await mailCount(1);
    const oldLink = lastLink();
    clock += (config.readers.confirmHours * 3600 + 5) * 1000;
    await post('/subscribe', form({ email: 'late@example.com', name: 'New', roles: 'Executive' }));
    await mailCount(2);
    expect(await store.get('late@example.com')).toMatchObject({ status: 'pending', name: 'New', roles: ['Executive'] });
    expect((await post('/confirm', form({ token: oldLink.searchParams.get('token')! }))).status).not.toBe(200);
    expect((await post('/confirm', form({ token: lastLink().searchParams.get('token')! }))).status).toBe(200);
  });

  it('refuses an invalid address and an oversized body', async () => {
    const bad = await post('/subscribe', form({ email: 'not-an-address' }));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('aria-invalid="true"');
    const big = await post('/subscribe', form({ email: 'a@example.com', name: 'x'.repeat(40_000) }));
    expect(big.status).toBe(413);
  });

  it('limits requests per IP (429) and confirmation mails per address', async () => {
    await h.close();
    await start({ perIpPerHour: 5, perAddressPerHour: 2 });
    for (let i = 0; i < 4; i++)
      expect((await post('/subscribe', form({ email: 'same@example.com', roles: 'CTO' }))).status).toBe(200);
    await mailCount(2);
    expect(mails).toHaveLength(2);
    expect((await post('/subscribe', form({ email: 'other@example.com', roles: 'CTO' }))).status).toBe(200);
    const limited = await post('/subscribe', form({ email: 'third@example.com', roles: 'CTO' }));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeTruthy();
    // The window passes: the same client may try again.
    clock += 3600_001;
    expect((await post('/subscribe', form({ email: 'third@example.com', roles: 'CTO' }))).status).toBe(200);
  });

  it('purges signups never confirmed after the configured time', async () => {
    await post('/subscribe', form({ email: 'late@example.com', roles: 'CTO' }));
    await mailCount(1);
    clock += (config.readers.purgePendingHours + 1) * 3600_000;
    expect(await readers.purge()).toBe(1);
    expect(await store.get('late@example.com')).toBeUndefined();
  });
});

describe('confirmation tokens', () => {
  async function signUp(email: string) {
    const before = mails.length;
    await post('/subscribe', form({ email, roles: 'CTO' }));
    expect(await mailCount(before + 1)).toBe(before + 1);
    return lastLink();
  }

  it('GET only shows a button; the POST confirms once, and a replay is refused', async () => {
    const link = await signUp('once@example.com');
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<form method="post" action="\/confirm">/);
    expect(await (await store.get('once@example.com'))?.status).toBe('pending');
    const token = link.searchParams.get('token')!;
    const first = await post('/confirm', form({ token }));
    expect(first.status).toBe(200);
    expect(await first.text()).toMatch(/\/preferences\?token=/);
    expect(await store.get('once@example.com')).toMatchObject({ status: 'active', confirmNonce: null });
    const replay = await post('/confirm', form({ token }));
    expect(replay.status).toBe(410);
  });

  it('refuses an expired token', async () => {
    const link = await signUp('slow@example.com');
    clock += (config.readers.confirmHours * 3600 + 5) * 1000;
    expect((await fetch(link)).status).toBe(400);
    expect((await post('/confirm', form({ token: link.searchParams.get('token')! }))).status).toBe(400);
    expect(await (await store.get('slow@example.com'))?.status).toBe('pending');
  });

  it('refuses forged tokens: another key, an unsubscribe token, a tampered payload', async () => {
    const link = await signUp('target@example.com');
    const nonce = (await store.get('target@example.com'))!.confirmNonce!;
    const claims = {
      purpose: 'signup' as const,
      listId: config.listId,
      email: 'target@example.com',
      from: undefined,
      nonce,
      expires: clock / 1000 + 3600,
    };
    const forged = [
      signConfirmToken(claims, 'another-secret-0123456789abcdefghijkl'),
      signToken({ email: 'target@example.com', listId: config.listId }, SECRET),
      `${Buffer.from('["r1","signup","x","target@example.com","","n",9999999999]').toString('base64url')}.${link.searchParams.get('token')!.split('.')[1]}`,
    ];
    for (const token of forged) expect((await post('/confirm', form({ token }))).status).toBe(400);
    expect(await (await store.get('target@example.com'))?.status).toBe('pending');
  });
});

const prefsUrl = (email: string) =>
  `${origin}/preferences?${new URLSearchParams({ token: signToken({ email, listId: config.listId }, SECRET) })}`;
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

describe('preferences page', () => {
  it("refuses writes without the page's CSRF token, or with one for another address", async () => {
    const mine = await (await fetch(prefsUrl('me@example.com'))).text();
    const theirs = await (await fetch(prefsUrl('them@example.com'))).text();
    for (const csrf of ['', 'forged.token', csrfOf(theirs)]) {
      const response = await fetch(prefsUrl('me@example.com'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ csrf, action: 'unsubscribe' }),
        redirect: 'manual',
      });
      expect(response.status).toBe(403);
    }
    expect(await store.get('me@example.com')).toBeUndefined();
    const ok = await fetch(prefsUrl('me@example.com'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ csrf: csrfOf(mine), action: 'save', email: 'me@example.com', roles: ['CTO', 'Designer'] }),
      redirect: 'manual',
    });
    expect(ok.status).toBe(303);
    expect(await (await store.get('me@example.com'))?.roles).toEqual(['CTO', 'Designer']);
    expect((await store.auditOf('me@example.com')).at(-1)).toMatchObject({
      page: 'preferences',
      change: expect.stringMatching(/roles: \(none\) → CTO, Designer/),
    });
  });

  it('refuses a forged or foreign-list preferences token', async () => {
    expect((await fetch(`${origin}/preferences?token=abc.def`)).status).toBe(400);
    const other = signToken({ email: 'me@example.com', listId: 'other.example.com' }, SECRET);
    expect((await fetch(`${origin}/preferences?token=${other}`)).status).toBe(400);
  });

  it('a changed address needs its own confirmation before anything moves', async () => {
    const page = await (await fetch(prefsUrl('old@example.com'))).text();
    const saved = await fetch(prefsUrl('old@example.com'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ csrf: csrfOf(page), action: 'save', email: 'new@example.com', roles: 'CTO' }),
      redirect: 'manual',
    });
    expect(saved.headers.get('location')).toMatch(/done=address$/);
    await mailCount(1);
    expect(mails[0]?.to).toBe('new@example.com');
    expect(await (await store.get('old@example.com'))?.pendingEmail).toBe('new@example.com');
    expect(await store.get('new@example.com')).toBeUndefined();
    const confirmed = await post('/confirm', form({ token: lastLink().searchParams.get('token')! }));
    expect(confirmed.status).toBe(200);
    expect(await store.get('old@example.com')).toBeUndefined();
    expect(await store.get('new@example.com')).toMatchObject({ roles: ['CTO'], pendingEmail: null });
  });
});

describe('an address change to an erased or suppressed address', () => {
  it('stores nothing, mails nothing and answers as for any other address', async () => {
    await store.insert({ ...newReader('gone@example.com', new Date(clock)), status: 'active', roles: ['CTO'] });
    await store.forget('gone@example.com', new Date(clock));
    h.db.prepare("INSERT INTO suppressions (email, created_at) VALUES ('left@example.com', 'now')").run();
    for (const target of ['gone@example.com', 'left@example.com', 'fresh@example.com']) {
      const page = await (await fetch(prefsUrl('bob@example.com'))).text();
      const saved = await fetch(prefsUrl('bob@example.com'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ csrf: csrfOf(page), action: 'save', email: target, roles: 'CTO' }),
        redirect: 'manual',
      });
      expect(saved.headers.get('location')).toMatch(/done=address$/);
    }
    await mailCount(1);
    expect(mails.map((m) => m.to)).toEqual(['fresh@example.com']);
    // Only the last, a fresh address, is pending; the erased one was never written, nor audited.
    expect((await store.get('bob@example.com'))?.pendingEmail).toBe('fresh@example.com');
    const audit = h.db.prepare('SELECT change FROM reader_audit').all() as { change: string }[];
    expect(audit.map((a) => a.change).join('\n')).not.toMatch(/gone@|left@/);
  });
});

describe('welcome message and the embeddable form', () => {
  it('sends the optional welcome message once a reader confirms', async () => {
    await h.close();
    await start({ welcome: true });
    await post('/subscribe', form({ email: 'hello@example.com', roles: 'CTO', locale: 'de' }));
    await mailCount(1);
    expect(mails[0]?.subject).toBe('Bestätigen Sie Ihr Abonnement von Rolecast Weekly');
    await post('/confirm', form({ token: lastLink().searchParams.get('token')! }));
    expect(await mailCount(2)).toBe(2);
    expect(mails[1]).toMatchObject({ to: 'hello@example.com', url: expect.stringMatching(/\/preferences\?token=/) });
  });

  it('rolecast serve --print-form prints the form posting to the public URL, without scripts', async () => {
    const printed = await runMain(project.dir, ['serve', '--print-form']);
    expect(printed.code, printed.all).toBe(0);
    expect(printed.out).toContain(
      '<form method="post" action="https://rolecast.example/subscribe" class="rolecast-signup">',
    );
    expect(printed.out).toContain('name="website"');
    expect(printed.out).toContain('<legend>Leadership</legend>');
    expect(printed.out).not.toContain('<script');
  });
});
