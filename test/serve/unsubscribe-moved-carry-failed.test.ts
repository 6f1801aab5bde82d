import { afterEach, describe, expect, it } from 'vitest';
import { stateSuppressionList } from '../../src/serve/index.js';
import type { SubscriberStore } from '../../src/store/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { readerRecord } from '../helpers/readers.js';
import { form, type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * An unsubscribe from an older message of a reader who moved to a new address is carried on to the
 * new one, which is where a subscribers file listing the old one mails them. When that carry failed
 * (the reader store did not answer) or never ended, the unsubscribe was answered done all the same,
 * so the reader was told they were out, no retry came, and the next send mailed them at the new
 * address. Such an unsubscribe is now answered 503 (its own address stays recorded), and the retry
 * it asks for carries it on. A real state file, real sockets on 127.0.0.1.
 */

const SECRET = 'carry-failed-secret-0123456789abcdefghij';
const OLD = 'pia.old@example.org';
const NEW = 'pia.new@example.org';
let h: SignupServer | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A store whose `moves()` fails (or never answers) while `broken.on`; everything else as it is. */
function brokenMoves(how: 'fails' | 'hangs') {
  const broken = { on: true, calls: 0 };
  const wrap = (store: SubscriberStore): SubscriberStore => ({
    ...store,
    moves: () => {
      if (!broken.on) return store.moves();
      broken.calls++;
      return how === 'fails' ? Promise.reject(new Error('connection terminated')) : new Promise(() => {});
    },
  });
  return { broken, wrap };
}

async function movedReader(wrap: (store: SubscriberStore) => SubscriberStore, answerMs = 60_000) {
  h = await startSignupServer({ secret: SECRET, now: () => new Date(), wrap, timeouts: { answerMs } });
  await h.store.insert(readerRecord(OLD, { status: 'active', roles: ['CTO'] }));
  expect(await h.store.rename(OLD, NEW, new Date())).toBe(true);
  return `?${new URLSearchParams({ token: signToken({ email: OLD, listId: h.config.listId }, SECRET) })}`;
}

const suppressed = (address: string) => stateSuppressionList(h!.db).isSuppressed(address) === true;

describe('an unsubscribe whose carry to the address its reader moved to did not happen', () => {
  it('answers a one-click 503 when the carry fails, and its retry carries it on', async () => {
    const { broken, wrap } = brokenMoves('fails');
    const query = await movedReader(wrap);
    const first = await h!.post(`/unsubscribe${query}`, 'List-Unsubscribe=One-Click');
    expect(broken.calls).toBe(1);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('60');
    expect([suppressed(OLD), suppressed(NEW)]).toEqual([true, false]);
    broken.on = false;
    const retry = await h!.post(`/unsubscribe${query}`, 'List-Unsubscribe=One-Click');
    expect(retry.status).toBe(200);
    expect([suppressed(OLD), suppressed(NEW)]).toEqual([true, true]);
  });

  it('answers a one-click 503 at the answer limit when the carry never ends', async () => {
    const { broken, wrap } = brokenMoves('hangs');
    const query = await movedReader(wrap, 300);
    const first = await h!.post(`/unsubscribe${query}`, 'List-Unsubscribe=One-Click');
    expect(broken.calls).toBe(1);
    expect(first.status).toBe(503);
    expect([suppressed(OLD), suppressed(NEW)]).toEqual([true, false]);
    expect(h!.logs).toContain(
      'an unsubscribe was recorded, but carrying it on to the address its reader moved to had no answer after 300 ms: answered 503 (try again), and the retry carries it on',
    );
    broken.on = false;
    expect((await h!.post(`/unsubscribe${query}`, 'List-Unsubscribe=One-Click')).status).toBe(200);
    expect(suppressed(NEW)).toBe(true);
  });

  it('does not tell the reader on the preferences page that they are unsubscribed when the carry fails', async () => {
    const { broken, wrap } = brokenMoves('fails');
    const query = await movedReader(wrap);
    const path = `/preferences${query}`;
    const page = await (await fetch(`${h!.origin}${path}`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const first = await h!.post(path, form({ csrf, do: 'unsubscribe' }));
    expect(broken.calls).toBe(1);
    expect(first.status).toBe(503);
    expect(first.headers.get('location')).toBeNull();
    expect(suppressed(NEW)).toBe(false);
    broken.on = false;
    const retry = await h!.post(path, form({ csrf, do: 'unsubscribe' }));
    expect(retry.status).toBe(303);
    expect(retry.headers.get('location')).toContain('done=unsubscribed');
    expect(suppressed(NEW)).toBe(true);
  });
});
