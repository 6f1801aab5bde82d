import { expect, it } from 'vitest';
import { isLookFailed, watchSuppressions } from '../../src/send/late-suppressions.js';
import type { Suppressions } from '../../src/state/contract.js';

/**
 * A send worker's message whose look at the suppression list succeeded only after the database
 * came back waits for the next heartbeat before it starts, so a lease the wait outlasted is known
 * renewed or taken over. A stop during that wait must not start it unchecked.
 */
it('a message whose wait for the heartbeat after an outage is cut short by a stop is not started', async () => {
  const failing = { query: true };
  const store = {
    addedSince: async () => {
      if (failing.query) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return { cursor: '1', added: [] };
    },
    applyJournal: async () => ({ read: 0, added: 0, unreadable: 0 }),
  } as unknown as Suppressions;
  const stop = new AbortController();
  let beatAsked = false;
  const late = watchSuppressions(store, '0', {
    everyMs: 60_000,
    patienceMs: 60_000,
    signal: stop.signal,
    // The heartbeat that would renew the lease never answers.
    afterOutage: () => {
      beatAsked = true;
      return new Promise<void>(() => {});
    },
    log: () => {},
  });
  const confirmed = late.confirm!().then(
    () => 'started',
    (error: unknown) => (isLookFailed(error) ? 'not started' : error),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  failing.query = false;
  await expect.poll(() => beatAsked, { timeout: 5_000 }).toBe(true);
  stop.abort();
  expect(await confirmed).toBe('not started');
  late.stop();
});
