import { refusalsToAbort } from './retry.js';
import type { Accepted, HeldRefusal, RefusalStreak } from './run-types.js';

/**
 * The permanent refusals in a row that could be the server's of everyone, shared by the runs that
 * make up one send (a worker's batches): a batch may end holding some, or probing a domain that
 * looks gone, and the next one decides for them. Each held refusal is recorded through its own run,
 * even once that run has ended.
 */
export function refusalStreak(): RefusalStreak {
  return { same: 0, inARow: 0, held: [] };
}

/** Records every refusal held, failed or deferred, and ends the probe of a domain, if any. */
export function releaseHeld(refusals: RefusalStreak, as: 'failed' | 'deferred'): Promise<unknown> {
  refusals.probing = undefined;
  refusals.probesGreylisted = 0;
  return Promise.all(refusals.held.splice(0).map((item) => item.settle(as)));
}

/**
 * What the refusals still held are when the send's list ends: failed, as a few dead readers in a
 * row are; deferred when the send was aborted or stopped, or a domain was being probed, or the
 * server never took a message of the issue (a list shorter than the count, every reader refused),
 * as whether they were their readers' is not known then: a failed reader is never tried again.
 * Whether it took one is asked of the ledger too (`accepted.elsewhere`): another send worker's
 * acceptance since this one started decides as well as its own.
 */
export async function releaseAtEnd(refusals: RefusalStreak, stopped: boolean, accepted: Accepted): Promise<unknown> {
  if (stopped || refusals.aborted || refusals.probing !== undefined) return releaseHeld(refusals, 'deferred');
  // A ledger that cannot be read leaves them deferred, and the editor is told why rather than sent to the account.
  let unread: string | undefined;
  if (!(accepted.any || accepted.before) && refusals.held.length > 0 && accepted.elsewhere)
    accepted.before = await accepted.elsewhere().catch((error: unknown) => {
      unread = error instanceof Error ? error.message : String(error);
      return false;
    });
  if (accepted.any || accepted.before) return releaseHeld(refusals, 'failed');
  const last = refusals.held.at(-1);
  if (last)
    refusals.unjudged = {
      readers: (refusals.unjudged?.readers ?? 0) + refusals.held.length,
      response: last.outcome.failure.response,
      ...(unread === undefined ? {} : { unread }),
    };
  return releaseHeld(refusals, 'deferred');
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** The one domain of every reader refused, when each refusal is in words of an unknown mailbox (see refusalsToAbort). */
export function deadDomain(items: readonly HeldRefusal[], limit: number): string | undefined {
  const domains = new Set(items.map(({ job }) => domainOf(job.email)));
  const unknownMailbox = items.every(({ outcome }) => refusalsToAbort(outcome.failure, limit) > limit);
  return domains.size === 1 && unknownMailbox ? [...domains][0] : undefined;
}
