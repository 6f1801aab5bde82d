import { afterEach, describe, expect, it } from 'vitest';
import { signCsrf } from '../../src/serve/readers/tokens.js';
import type { SubscriberStore } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * `readers.perAddressPerHour` bounds the confirmation mails one inbox gets. Tagged addresses
 * (`victim+1@`, `victim+2@`, RFC 5233) land in the same inbox, so they share that allowance: a
 * script posting a stranger's address with a new tag each time mails them no more than the limit.
 * Gmail also ignores dots in the local part and takes googlemail.com for gmail.com: those spellings
 * are one inbox too.
 */

const SECRET = 'signup-subaddress-limit-secret-0123456789';
const clock = Date.parse('2026-12-01T10:00:00Z');

let h: SignupServer;
/** Every address whose signup was looked up: the limit is decided right after that look. */
let looked: string[];
afterEach(() => h.close());

async function start() {
  looked = [];
  const counting = (store: SubscriberStore): SubscriberStore => ({
    ...store,
    get: (email) => {
      looked.push(email);
      return store.get(email);
    },
  });
  h = await startSignupServer({
    secret: SECRET,
    now: () => new Date(clock),
    readers: { perIpPerHour: 100, perAddressPerHour: 3 },
    wrap: counting,
  });
}

/** Waits (counting lookups, not time) until every posted signup reached its limit check. */
async function settled(addresses: readonly string[]) {
  for (let i = 0; i < 400 && !addresses.every((a) => looked.includes(a)); i++)
    await new Promise((r) => setTimeout(r, 5));
  expect(addresses.filter((a) => !looked.includes(a))).toEqual([]);
  // One more round trip: the checks that followed those lookups have run.
  await fetch(`${h.origin}/subscribe`);
}

describe('confirmation mails to one inbox under many tags', () => {
  it('stop at the per-address limit, whatever tag each signup carries', async () => {
    await start();
    const tagged = ['victim@example.com', ...[1, 2, 3, 4, 5, 6].map((i) => `victim+${i}@example.com`)];
    for (const email of tagged) expect((await h.post('/subscribe', form({ email, roles: 'CTO' }))).status).toBe(200);
    await settled(tagged);
    expect(await h.mailCount(3)).toBe(3);
    const stored = (await Promise.all(tagged.map((email) => h.store.get(email)))).filter(Boolean);
    expect(stored).toHaveLength(3);
    expect(h.mails).toHaveLength(3);
  });

  it('count a new address typed on the preferences page with the signups of that inbox', async () => {
    await start();
    const at = new Date(clock).toISOString();
    await h.store.insert(readerRecord('mover@example.com', { roles: ['CTO'], createdAt: at, updatedAt: at }));
    const signups = ['target+a@example.com', 'target+b@example.com'];
    for (const email of signups) await h.post('/subscribe', form({ email, roles: 'CTO' }));
    await settled(signups);
    expect(await h.mailCount(2)).toBe(2);
    const csrf = signCsrf('mover@example.com', SECRET, new Date(clock));
    const link = `/preferences?${new URLSearchParams({ token: signToken({ email: 'mover@example.com', listId: h.config.listId }, SECRET) })}`;
    for (const email of ['target+c@example.com', 'target+d@example.com'])
      await h.post(link, form({ csrf, do: 'save', roles: 'CTO', email }));
    expect(await h.mailCount(3)).toBe(3);
    // A signup after them is the inbox's fifth request this hour: refused, and it is looked up last.
    await h.post('/subscribe', form({ email: 'target+e@example.com', roles: 'CTO' }));
    await settled(['target+e@example.com']);
    expect(h.mails.map((m) => m.to)).toEqual(['target+a@example.com', 'target+b@example.com', 'target+c@example.com']);
  });

  it('stop at the limit for Gmail addresses spelt with dots, tags or googlemail.com, one inbox to Gmail', async () => {
    await start();
    const spellings = [
      'victim.name@gmail.com',
      'victimname@gmail.com',
      'v.i.c.t.i.m.n.a.m.e@gmail.com',
      'vic.tim.name+news@gmail.com',
      'victimname@googlemail.com',
      'victim.na.me@googlemail.com',
    ];
    for (const email of spellings) await h.post('/subscribe', form({ email, roles: 'CTO' }));
    await settled(spellings);
    expect(await h.mailCount(3)).toBe(3);
    expect(h.mails.map((m) => m.to)).toEqual(spellings.slice(0, 3));
  });

  it('leave dotted spellings elsewhere than Gmail their own allowance: other providers tell them apart', async () => {
    await start();
    const addresses = ['ann.lee@example.com', 'annlee@example.com', 'a.nnlee@example.com', 'an.nlee@example.com'];
    for (const email of addresses) await h.post('/subscribe', form({ email, roles: 'CTO' }));
    await settled(addresses);
    expect(await h.mailCount(4)).toBe(4);
  });

  it('leave other inboxes, and an address that starts with "+", their own allowance', async () => {
    await start();
    const addresses = ['+plus@example.com', 'other@example.com', 'victim@example.org'];
    for (const email of addresses) await h.post('/subscribe', form({ email, roles: 'CTO' }));
    await settled(addresses);
    expect(await h.mailCount(3)).toBe(3);
    expect(h.mails.map((m) => m.to).sort()).toEqual([...addresses].sort());
  });
});
