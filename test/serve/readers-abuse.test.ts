import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { SubscriberSchema } from '../../src/model/subscriber.js';
import { openStateDb } from '../../src/send/store.js';
import { lineField } from '../../src/serve/readers/form.js';
import type { ReaderMail } from '../../src/serve/readers/mail.js';
import { signCsrf } from '../../src/serve/readers/tokens.js';
import { clientKey } from '../../src/serve/routes/_http.js';
import { overlayReaderChanges, type SubscriberStore, storeAudience } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/** Attacks on the reader pages: re-activating someone who left, and telling known addresses apart. */

const SECRET = 'readers-abuse-secret-0123456789abcdef';

let h: SignupServer;
let config: ResolvedConfig;
let store: SubscriberStore;
let mails: ReaderMail[];
let logs: string[];
const clock = Date.parse('2026-12-01T10:00:00Z');

async function start(
  options: {
    readers?: Partial<ResolvedConfig['readers']>;
    wrap?: (s: SubscriberStore) => SubscriberStore;
    busyRetryMs?: number[];
    writeWaitMs?: number;
  } = {},
) {
  h = await startSignupServer({ secret: SECRET, now: () => new Date(clock), ...options });
  ({ config, store, mails, logs } = h);
}

beforeEach(() => start());
afterEach(() => h.close());

const post: SignupServer['post'] = (...args) => h.post(...args);
const mailCount: SignupServer['mailCount'] = (count) => h.mailCount(count);

const prefsPath = (email: string) =>
  `/preferences?${new URLSearchParams({ token: signToken({ email, listId: config.listId }, SECRET) })}`;

async function storedReader(email: string, status: 'unsubscribed' | 'bounced') {
  const at = new Date(clock).toISOString();
  await store.insert(readerRecord(email, { roles: ['CTO'], status, createdAt: at, confirmedAt: at, updatedAt: at }));
}

describe('confirmation links after a reader left', () => {
  it('a signup link confirmed after the pending reader was unsubscribed does not re-activate them', async () => {
    await post('/subscribe', form({ email: 'left@example.com', roles: 'CTO' }));
    expect(await mailCount(1)).toBe(1);
    // An import with --update (or an editor) unsubscribes the pending reader; the link is still in their inbox.
    await store.update('left@example.com', { status: 'unsubscribed' }, new Date(clock));
    const token = new URL(mails[0]!.url).searchParams.get('token')!;
    const response = await post('/confirm', form({ token }));
    expect(response.status).toBe(410);
    expect((await store.get('left@example.com'))?.status).toBe('unsubscribed');
  });
});

describe('preferences writes for a reader who left', () => {
  for (const status of ['unsubscribed', 'bounced'] as const)
    for (const action of ['resume', 'pause'])
      it(`"${action}" leaves a ${status} reader ${status}`, async () => {
        await storedReader('gone@example.com', status);
        const csrf = signCsrf('gone@example.com', SECRET, new Date(clock));
        const response = await post(prefsPath('gone@example.com'), form({ csrf, do: action, weeks: '1' }));
        expect(response.status).toBe(303);
        expect((await store.get('gone@example.com'))?.status).toBe(status);
      });
});

describe('preferences writes for a signup nobody confirmed', () => {
  for (const [action, status] of [
    ['pause', 'paused'],
    ['resume', 'active'],
  ] as const)
    it(`"${action}" from a file reader's link works, and the signup someone typed grants nothing`, async () => {
      // A subscribers file's reader (no record of their own) whose address someone signs up.
      await post('/subscribe', form({ email: 'owner@example.com', roles: 'CTO', name: 'Typed By Someone' }));
      expect(await mailCount(1)).toBe(1);
      expect((await store.get('owner@example.com'))?.status).toBe('pending');
      const before = await (await fetch(`${h.origin}${prefsPath('owner@example.com')}`)).text();
      expect(before).not.toContain('Typed By Someone');
      const csrf = signCsrf('owner@example.com', SECRET, new Date(clock));
      const response = await post(prefsPath('owner@example.com'), form({ csrf, do: action, weeks: '1' }));
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toContain(`done=${action === 'pause' ? 'paused' : 'resumed'}`);
      const own = await store.get('owner@example.com');
      expect(own).toMatchObject({ status, consent: null, confirmNonce: null, name: null, roles: [] });
      expect(own?.readerChangedAt).toBe(new Date(clock).toISOString());
      // A send with the subscribers file takes the reader's own change.
      const file = [{ email: 'owner@example.com', roles: ['Product manager'], status: 'active' as const }];
      const overlaid = overlayReaderChanges(
        file,
        new Map([[own!.email, own!]]),
        new Date(clock - 86_400_000),
        new Date(clock),
      );
      expect(overlaid).toMatchObject({ overrides: 1, paused: action === 'pause' ? 1 : 0 });
      if (action === 'resume') expect(overlaid.subscribers[0]?.roles).toEqual(['Product manager']);
      // Neither a send from the store nor the signup's own link makes a reader of it.
      expect(storeAudience(await store.list(), new Date(clock)).subscribers).toEqual([]);
      const token = new URL(mails[0]!.url).searchParams.get('token')!;
      expect((await post('/confirm', form({ token }))).status).toBe(410);
      expect((await store.get('owner@example.com'))?.consent).toBeNull();
    });
});

describe('a paused reader’s page', () => {
  it('shows when mail starts again in the reader’s own zone, not as a UTC date', async () => {
    const at = new Date(clock).toISOString();
    // 8 December 08:00 UTC is still 7 December in Honolulu (UTC−10).
    await store.insert(
      readerRecord('aloha@example.com', {
        roles: ['CTO'],
        status: 'paused',
        pausedUntil: '2026-12-08T08:00:00.000Z',
        timezone: 'Pacific/Honolulu',
        createdAt: at,
        confirmedAt: at,
        updatedAt: at,
      }),
    );
    const page = await (await fetch(`${h.origin}${prefsPath('aloha@example.com')}`)).text();
    // The list's locale (en-GB) words it.
    expect(page).toContain('Paused until 7 Dec 2026, 22:00.');
  });
});

describe('names with line breaks or control characters', () => {
  const written = 'Ana\r\nBcc: eve@example.net\u0007 \u2028Lee';
  const expectOneLine = async (email: string) => {
    const reader = await store.get(email);
    expect(reader?.name).toBe('Ana Bcc: eve@example.net Lee');
    // The reader still loads, and so still gets mail: the subscriber rules hold for what was stored.
    const loaded = SubscriberSchema.safeParse({ email, name: reader!.name, firstName: reader!.firstName ?? undefined });
    expect(loaded.success).toBe(true);
  };

  it('are stored on one line from the preferences page', async () => {
    const at = new Date(clock).toISOString();
    await store.insert(
      readerRecord('ana@example.com', { roles: ['CTO'], createdAt: at, confirmedAt: at, updatedAt: at }),
    );
    const csrf = signCsrf('ana@example.com', SECRET, new Date(clock));
    const response = await post(
      prefsPath('ana@example.com'),
      form({ csrf, name: written, firstName: 'Ana\nX-Extra: 1', roles: 'CTO' }),
    );
    expect(response.status).toBe(303);
    await expectOneLine('ana@example.com');
    expect((await store.get('ana@example.com'))?.firstName).toBe('Ana X-Extra: 1');
  });

  it("are cut to the subscriber rules' length in UTF-16 units, never inside a pair", () => {
    const emoji = '\u{1F600}'.repeat(150);
    const cut = lineField(new Map([['name', [emoji]]]), 'name', 200);
    expect(cut.length).toBe(200);
    expect(SubscriberSchema.safeParse({ email: 'a@example.com', name: cut }).success).toBe(true);
    // 'x' then emoji: the 200th unit is a high surrogate, which is left out with its pair.
    const odd = lineField(new Map([['name', [`x${emoji}`]]]), 'name', 200);
    expect(odd.length).toBe(199);
    expect(odd).toBe(`x${'\u{1F600}'.repeat(99)}`);
  });

  it('are stored on one line from a signup', async () => {
    await post('/subscribe', form({ email: 'ana@example.com', name: written, roles: 'CTO' }));
    expect(await mailCount(1)).toBe(1);
    await expectOneLine('ana@example.com');
  });
});

/** The store with one method failing as a state file locked by another program does. */
const lockedAt =
  (method: 'insert' | 'transaction') =>
  (s: SubscriberStore): SubscriberStore => ({
    ...s,
    [method]: async () => {
      throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    },
  });

describe('an unsubscribe on the preferences page', () => {
  it('still counts when the reader store cannot be written: it goes to the suppression list', async () => {
    await h.close();
    await start({ wrap: lockedAt('transaction') });
    const csrf = signCsrf('leaving@example.com', SECRET, new Date(clock));
    const response = await post(prefsPath('leaving@example.com'), form({ csrf, do: 'unsubscribe' }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/done=unsubscribed$/);
    expect(h.db.prepare('SELECT reason, source FROM suppressions WHERE email = ?').get('leaving@example.com')).toEqual({
      reason: 'unsubscribe',
      source: 'preferences',
    });
  });
});

describe('signup answers', () => {
  it('are the same for a known and a new address when the store cannot be written', async () => {
    await h.close();
    await start({ wrap: lockedAt('insert'), busyRetryMs: [10, 10] });
    await storedReader('known@example.com', 'unsubscribed');
    const known = await post('/subscribe', form({ email: 'known@example.com', roles: 'CTO' }));
    const fresh = await post('/subscribe', form({ email: 'fresh@example.com', roles: 'CTO' }));
    expect(fresh.status).toBe(known.status);
    expect(fresh.status).toBe(200);
    for (let i = 0; i < 200 && !logs.some((l) => /signup/.test(l)); i++) await new Promise((r) => setTimeout(r, 10));
    expect(logs.join('\n')).toMatch(
      /could not record a signup, the state stayed locked or the database did not answer for about a minute: database is locked/,
    );
  });

  it('are recorded once the state is no longer locked: the write is tried again, not dropped', async () => {
    await h.close();
    let refusals = 2;
    await start({
      busyRetryMs: [50, 50, 50],
      wrap: (s) => ({
        ...s,
        transaction: async (work) => {
          if (refusals-- > 0) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
          return s.transaction(work);
        },
      }),
    });
    expect((await post('/subscribe', form({ email: 'patient@example.com', roles: 'CTO' }))).status).toBe(200);
    expect(await h.mailCount(1)).toBe(1);
    expect((await store.get('patient@example.com'))?.status).toBe('pending');
    expect(logs.join('\n')).not.toMatch(/could not record/);
  });

  it('are tried once more after each pause while another connection holds the lock, however long each try waits', async () => {
    await h.close();
    let tries = 0;
    await start({
      busyRetryMs: [10, 20, 40],
      // Each try waits this long for the lock itself: longer than all the pauses together.
      writeWaitMs: 200,
      wrap: (s) => ({
        ...s,
        transaction: (work) => {
          tries++;
          return s.transaction(work);
        },
      }),
    });
    const holder = openStateDb(h.db.name);
    holder.exec('BEGIN IMMEDIATE');
    try {
      expect((await post('/subscribe', form({ email: 'held@example.com', roles: 'CTO' }))).status).toBe(200);
      for (let i = 0; i < 1000 && !logs.some((l) => /could not record/.test(l)); i++)
        await new Promise((r) => setTimeout(r, 10));
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(logs.join('\n')).toMatch(
      /could not record a signup, the state stayed locked or the database did not answer for about a minute/,
    );
    expect(tries).toBe(4);
    expect(await store.get('held@example.com')).toBeUndefined();
    expect(mails).toHaveLength(0);
  });

  it('behind a proxy, the per-IP limit counts the address the proxy appended, not one the client wrote', async () => {
    await h.close();
    await start({ readers: { trustProxy: true, perIpPerHour: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (
          await post('/subscribe', form({ email: `x${i}@example.com`, roles: 'CTO' }), {
            'x-forwarded-for': `10.0.0.${i}, 203.0.113.7`,
          })
        ).status,
      );
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});

describe('address changes for a suppressed reader', () => {
  async function activeReader(email: string) {
    await storedReader(email, 'unsubscribed');
    await store.update(email, { status: 'active' }, new Date(clock));
  }
  const suppress = (email: string) =>
    h.db
      .prepare("INSERT INTO suppressions (email, reason, created_at) VALUES (?, 'complaint', '2026-12-01')")
      .run(email);

  it('are not started: no confirmation mail, nothing pending', async () => {
    await activeReader('complained@example.com');
    suppress('complained@example.com');
    const csrf = signCsrf('complained@example.com', SECRET, new Date(clock));
    const response = await post(
      prefsPath('complained@example.com'),
      form({ csrf, action: 'save', email: 'elsewhere@example.com', roles: 'CTO' }),
    );
    expect(response.status).toBe(303);
    expect((await store.get('complained@example.com'))?.pendingEmail).toBeNull();
    // A confirmation is handed to the mailer before the redirect is answered.
    expect(mails).toHaveLength(0);
  });

  it("count against the client's per-IP limit, so one reader's link cannot mail any number of strangers", async () => {
    await h.close();
    await start({ readers: { perIpPerHour: 3, perAddressPerHour: 10 } });
    await activeReader('mover@example.com');
    const csrf = signCsrf('mover@example.com', SECRET, new Date(clock));
    for (let i = 1; i <= 6; i++)
      await post(
        prefsPath('mover@example.com'),
        form({ csrf, action: 'save', email: `stranger${i}@example.com`, roles: 'CTO' }),
      );
    // The form is answered before the mail is handed over: wait for the three allowed, then a moment more.
    expect(await mailCount(3)).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mails.map((m) => m.to)).toEqual(['stranger1@example.com', 'stranger2@example.com', 'stranger3@example.com']);
  });

  it('are not completed when the old address was suppressed after the link went out', async () => {
    await activeReader('moving@example.com');
    const csrf = signCsrf('moving@example.com', SECRET, new Date(clock));
    await post(
      prefsPath('moving@example.com'),
      form({ csrf, action: 'save', email: 'moved@example.com', roles: 'CTO' }),
    );
    expect(await mailCount(1)).toBe(1);
    suppress('moving@example.com');
    const token = new URL(mails[0]!.url).searchParams.get('token')!;
    expect((await post('/confirm', form({ token }))).status).toBe(400);
    expect(await store.get('moved@example.com')).toBeUndefined();
    expect((await store.get('moving@example.com'))?.status).toBe('active');
  });
});

describe('oversized bodies', () => {
  it('get 413 on every reader page that takes a POST', async () => {
    const big = form({ token: 'x'.repeat(40_000) });
    for (const path of ['/subscribe', '/confirm', prefsPath('big@example.com')]) {
      const response = await post(path, big);
      expect(response.status, path).toBe(413);
      expect(response.headers.get('connection'), path).toBe('close');
    }
  });
});

describe('per-IP limit keys', () => {
  it('count IPv6 clients by their /64, and IPv4 ones by address', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::5')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(clientKey('198.51.100.4')).toBe('198.51.100.4');
    // A port some proxies append does not make every connection a client of its own.
    expect(clientKey('198.51.100.4:51234')).toBe('198.51.100.4');
    expect(clientKey('[2001:db8:1:2::9]:51234')).toBe('2001:db8:1:2::/64');
  });

  it('a client rotating through its IPv6 /64 is still limited', async () => {
    await h.close();
    await start({ readers: { trustProxy: true, perIpPerHour: 2 } });
    const statuses: number[] = [];
    for (let i = 1; i <= 3; i++)
      statuses.push(
        (
          await post('/subscribe', form({ email: `v6-${i}@example.com`, roles: 'CTO' }), {
            'x-forwarded-for': `2001:db8:7:7::${i}`,
          })
        ).status,
      );
    expect(statuses).toEqual([200, 200, 429]);
  });
});
