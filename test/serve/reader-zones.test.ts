/** Zones a reader keeps through the pages: current IANA names this Node's Intl list leaves out, and link names. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newReader } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

const SECRET = 'zone-test-secret-0123456789abcdef0123456';
let h: SignupServer;
beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date('2026-12-01T10:00:00Z') });
});
afterEach(() => h.close());

/** What a browser submits for a <select>: the selected option, else the first one. */
function submittedZone(html: string): { selected: string | undefined; submitted: string } {
  const select = /<select id="timezone"[^>]*>(.*?)<\/select>/s.exec(html)![1]!;
  const selected = /<option selected>([^<]*)<\/option>/.exec(select)?.[1];
  const first = /<option[^>]*>([^<]*)<\/option>/.exec(select)![1]!;
  return { selected, submitted: selected ?? first };
}

describe('preferences page and stored time zones', () => {
  for (const zone of [
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Europe/Kyiv',
    'America/Argentina/Buenos_Aires',
    'US/Pacific',
  ]) {
    it(`keeps ${zone} when the reader saves an unrelated change`, async () => {
      const email = 'reader@example.com';
      await h.store.insert(
        newReader(email, new Date('2026-11-01T00:00:00Z'), { roles: ['CTO'], timezone: zone, status: 'active' }),
      );
      const url = `${h.origin}/preferences?${new URLSearchParams({ token: signToken({ email, listId: h.config.listId }, SECRET) })}`;
      const html = await (await fetch(url)).text();
      const { selected, submitted } = submittedZone(html);
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
      // The reader only adds a role; the time zone field goes back as the browser shows it.
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ csrf, action: 'save', email, roles: ['CTO', 'Designer'], timezone: submitted, locale: 'en' }),
        redirect: 'manual',
      });
      expect(res.status).toBe(303);
      const after = await h.store.get(email);
      expect(selected).toBe(zone);
      expect(after?.timezone).toBe(zone);
    });
  }

  it('stores a zone posted in another letter case as the zone database spells it', async () => {
    await h.post('/subscribe', form({ email: 'case@example.com', roles: 'CTO', timezone: 'europe/BERLIN' }));
    expect((await h.store.get('case@example.com'))?.timezone).toBe('Europe/Berlin');
    const email = 'pref@example.com';
    await h.store.insert(newReader(email, new Date('2026-11-01T00:00:00Z'), { roles: ['CTO'], status: 'active' }));
    const url = `${h.origin}/preferences?${new URLSearchParams({ token: signToken({ email, listId: h.config.listId }, SECRET) })}`;
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await fetch(url)).text())![1]!;
    const body = form({ csrf, action: 'save', email, roles: ['CTO'], timezone: 'america/new_york', locale: 'en' });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect((await h.store.get(email))?.timezone).toBe('America/New_York');
  });

  it('accepts Asia/Kolkata on signup', async () => {
    await h.post('/subscribe', form({ email: 'new@example.com', roles: 'CTO', timezone: 'Asia/Kolkata' }));
    const r = await h.store.get('new@example.com');
    expect(r?.timezone).toBe('Asia/Kolkata');
  });
});
