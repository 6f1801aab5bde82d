import type { SubscriberStore } from './types.js';

/**
 * Erasure (`subscribers forget`) of a reader and of the addresses they moved away from (not one
 * that is a consented reader's own again): a subscribers file that still lists an old address
 * would otherwise mail it once the move is gone. Each forget is its own transaction and ends the
 * moves to and from its address, so the old addresses go first: a run stopped between two (a full
 * disk) leaves each of them erased or still moved to the reader's address, where the same command
 * finds it again. Forgetting the reader's address first would end those moves and strand them.
 */
export async function forgetReader(
  store: SubscriberStore,
  email: string,
  now: Date,
): Promise<{ had: boolean; movedFrom: number; erased: string[] }> {
  const left: string[] = [];
  for (const move of await store.moves())
    if (move.movedTo === email && !(await store.get(move.email))?.consent) left.push(move.email);
  for (const old of left) await store.forget(old, now);
  const had = await store.forget(email, now);
  return { had, movedFrom: left.length, erased: [...left, email] };
}
