import { afterEach, expect, it } from 'vitest';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { stateSuppressionList } from '../../src/serve/index.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { readerRecord } from '../helpers/readers.js';
import { type SignupServer, startSignupServer } from '../helpers/signup.js';

/**
 * A one-click unsubscribe of an address its reader moved away from stops their mail at the new
 * address too. While another program held the state file (a send), spending the old address's
 * signup link failed first, even with no link to spend, and that failure, logged as if the move
 * could not be followed, skipped the new address altogether: it was mailed on. The link is now
 * looked for before anything is written, a failure to spend it is named as such, the new address
 * is journaled either way, and the answer, however long the waits, is not cut as an idle connection.
 */

const SECRET = 'unsubscribe-moved-locked-secret-0123456';
let h: SignupServer;
let holder: StateDb | undefined;

afterEach(async () => {
  if (holder?.inTransaction) holder.exec('ROLLBACK');
  holder?.close();
  holder = undefined;
  await h.close();
});

/** Moves `from`'s reader to `to`, holds the state file as a send does, and posts `from`'s one-click. */
async function oneClickWhileHeld(from: string, to: string, keptAtOld?: string): Promise<number> {
  h = await startSignupServer({ secret: SECRET, now: () => new Date() });
  await h.store.insert(readerRecord(from, { status: 'active', roles: ['CTO'] }));
  expect(await h.store.rename(from, to, new Date())).toBe(true);
  // A record the file's old address kept since, with a signup link of its own, and no consent.
  if (keptAtOld)
    await h.store.insert(
      readerRecord(from, { status: 'active', consent: null, confirmNonce: keptAtOld, roles: ['CTO'] }),
    );
  holder = openStateDb(h.db.name);
  holder.exec('BEGIN IMMEDIATE');
  const token = signToken({ email: from, listId: h.config.listId }, SECRET);
  const response = await h.post(`/unsubscribe?${new URLSearchParams({ token })}`, 'List-Unsubscribe=One-Click');
  holder.exec('ROLLBACK');
  return response.status;
}

/** The journal applied once the state file is free: whether each address is suppressed. */
function suppressedAfterReplay(...addresses: string[]): boolean[] {
  const list = stateSuppressionList(h.db);
  list.replayPending?.();
  return addresses.map((address) => list.isSuppressed(address) === true);
}

it('journals the new address of a reader who moved, with no link to spend at the old one', async () => {
  expect(await oneClickWhileHeld('ann.old@example.com', 'ann.new@example.com')).toBe(200);
  expect(h.logs.join('\n')).not.toContain('could not spend');
  // The new address is out, through the journal: only its record waits, and the log says no more.
  expect(h.logs.join('\n')).not.toContain('could not carry an unsubscribe on');
  expect(h.logs.join('\n')).toContain('is suppressed, but its record could not be marked unsubscribed');
  expect(suppressedAfterReplay('ann.old@example.com', 'ann.new@example.com')).toEqual([true, true]);
}, 60_000);

it('journals the new address when the old one holds a link it could not spend, and says which failed', async () => {
  expect(await oneClickWhileHeld('bo.old@example.com', 'bo.new@example.com', 'kept-nonce')).toBe(200);
  expect(h.logs.some((line) => line.startsWith('could not spend the signup link of b••••@example.com:'))).toBe(true);
  expect(suppressedAfterReplay('bo.old@example.com', 'bo.new@example.com')).toEqual([true, true]);
}, 90_000);
