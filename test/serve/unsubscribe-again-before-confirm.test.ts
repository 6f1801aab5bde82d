import { afterAll, afterEach, expect, it } from 'vitest';
import { sqliteBounceStore } from '../../src/bounces/store-sqlite.js';
import { openServeBackend, type ServeBackend } from '../../src/serve/backend.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A reader who unsubscribed, signed up again, and before confirming unsubscribed again by a mail to
 * the List-Unsubscribe address (which `bounces import` records without spending the link) could
 * still confirm with the link mailed between the two: their entry kept the first unsubscribe's
 * time, which the link was later than. A repeated unsubscribe of the reader's own now dates the
 * entry, so the latest act wins and the link answers 410.
 */

const SECRET = 'unsubscribe-again-before-confirm-secret-0';
const READER = 'twice.gone@example.com';
const unique = () => Math.random().toString(36).slice(2, 8);
let h: SignupServer | undefined;
/** The one-click endpoint dates its entry by the real clock; the pages follow minutes later. */
let clock = new Date();

afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('a link mailed between two unsubscribes, the second by mail, is refused and the reader stays out', async () => {
  h = await startSignupServer({ secret: SECRET, now: () => clock });
  await h.store.insert(
    readerRecord(READER, {
      status: 'active',
      roles: ['CTO'],
      consent: { at: '2026-11-01T09:00:00.000Z', method: 'form', wording: 'Yes' },
      confirmedAt: '2026-11-01T09:05:00.000Z',
    }),
  );
  const token = signToken({ email: READER, listId: h.config.listId }, SECRET);
  expect((await h.post(`/unsubscribe?${new URLSearchParams({ token })}`, 'List-Unsubscribe=One-Click')).status).toBe(
    200,
  );

  clock = new Date(Date.now() + 5 * 60_000);
  expect((await h.post('/subscribe', form({ email: READER, roles: 'CTO' }))).status).toBe(200);
  expect(await h.mailCount(1)).toBe(1);
  const link = new URL(h.mails[0]!.url).searchParams.get('token')!;

  clock = new Date(Date.now() + 10 * 60_000);
  // What `bounces import` does with the reader's mail to the List-Unsubscribe address.
  const bounces = sqliteBounceStore(h.db);
  expect(await bounces.suppress(READER, { reason: 'unsubscribe', source: 'mailto', at: clock.toISOString() })).toBe(
    false,
  );

  expect((await h.post('/confirm', form({ token: link }))).status).toBe(410);
  expect(h.db.prepare('SELECT created_at FROM suppressions WHERE email = ?').get(READER)).toEqual({
    created_at: clock.toISOString(),
  });
});

describePostgres('a repeated unsubscribe in PostgreSQL', () => {
  const databaseUrl = useFreshDatabase('unsubscribe_again');
  let backend: ServeBackend | undefined;
  afterAll(async () => {
    await backend?.close();
  });

  it('dates the reader’s own entry by the latest, and never an entry of a bounce', async () => {
    backend = await openServeBackend({ kind: 'postgres', url: databaseUrl() }, { secret: SECRET });
    const { suppressions: list, bounces } = backend;
    const first = new Date('2026-12-01T10:00:00.000Z');
    const later = new Date('2026-12-01T10:10:00.000Z');
    const own = `own.${unique()}@example.com`;
    const hard = `hard.${unique()}@example.com`;
    expect(await list.add(own, { reason: 'unsubscribe', source: 'one-click', now: first })).toBe('added');
    expect(await bounces.suppress(own, { reason: 'unsubscribe', source: 'mailto', at: later.toISOString() })).toBe(
      false,
    );
    expect(new Date((await list.ownUnsubscribe!(own))!).toISOString()).toBe(later.toISOString());
    // An older unsubscribe arriving late (a journal replayed) leaves the later date.
    expect(await list.add(own, { reason: 'unsubscribe', source: 'one-click', now: first })).toBe('already');
    expect(new Date((await list.ownUnsubscribe!(own))!).toISOString()).toBe(later.toISOString());
    expect(await bounces.suppress(hard, { reason: 'hard-bounce', source: 'webhook', at: first.toISOString() })).toBe(
      true,
    );
    expect(await list.add(hard, { reason: 'unsubscribe', source: 'one-click', now: later })).toBe('already');
    expect(await list.ownUnsubscribe!(hard)).toBeUndefined();
  });
});
