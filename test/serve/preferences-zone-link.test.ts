import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newReader } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A reader stored with a time zone link in lower case ("us/eastern", as releases before kept it)
 * sees it selected on their preferences page. Saving the page with another change (their roles)
 * sends that zone back unchanged: it is no change of theirs, so it is not stamped as their own
 * choice, nor logged as one.
 */

const SECRET = 'preferences-zone-secret-0123456789abcdef';
const clock = Date.parse('2026-12-01T10:00:00Z');
let h: SignupServer;

beforeEach(async () => {
  h = await startSignupServer({ secret: SECRET, now: () => new Date(clock) });
});
afterEach(() => h.close());

const prefsPath = (email: string) =>
  `/preferences?${new URLSearchParams({ token: signToken({ email, listId: h.config.listId }, SECRET) })}`;
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const selectedZone = (html: string) => /<option selected>([^<]+)<\/option>/.exec(html)?.[1];

describe('a stored zone link in lower case, sent back unchanged from the preferences page', () => {
  it('is not taken for the reader’s change of zone', async () => {
    await h.store.insert({
      ...newReader('ann@example.com', new Date(clock)),
      status: 'active',
      roles: ['CTO'],
      timezone: 'us/eastern',
    });
    const page = await (await fetch(`${h.origin}${prefsPath('ann@example.com')}`)).text();
    expect(selectedZone(page)).toBe('us/eastern');
    const saved = await h.post(
      prefsPath('ann@example.com'),
      form({ csrf: csrfOf(page), action: 'save', roles: ['CTO', 'Executive'], timezone: selectedZone(page)! }),
    );
    expect(saved.status).toBe(303);
    const reader = await h.store.get('ann@example.com');
    expect(reader?.roles).toEqual(['CTO', 'Executive']);
    expect(Object.keys(reader?.readerFields ?? {})).toEqual(['roles']);
    const changes = (await h.store.auditOf('ann@example.com')).map((entry) => entry.change).join('\n');
    expect(changes).toMatch(/roles/);
    expect(changes).not.toMatch(/timezone/);
  });
});
