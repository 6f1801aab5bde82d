import type { ClaimedItem } from '../../state/postgres/queue.js';
import { leaseClock } from './lease-clock.js';

/**
 * How much of a lease may pass since it was last known to be ours before a message is started on
 * it: beats come every third of a lease, so only a worker held up for longer gets here.
 */
const STALE_LEASE_SHARE = 2 / 3;

/**
 * What a worker knows of its own leases: the items it holds, those a beat found taken over (lost),
 * and when each held item's lease was last known to be ours (claimed, or renewed by a beat that
 * started then), by this host's clock. A worker frozen past its lease (a suspended machine, a
 * stopped process) has no say over its items any more: another worker may have sent them, so it
 * stops (`stalled`).
 */
export function watchLeases(options: { leaseMs: number; log: (line: string) => void; now: () => number }) {
  const { leaseMs, log } = options;
  const holding = new Set<number>();
  const lost = new Set<number>();
  const clock = leaseClock(options.now);
  let confirmed = new Map<number, number>();
  // When the answer of each item's latest claim came, by the same clock.
  const answered = new Map<number, number>();
  const stall = new AbortController();
  // Waiting for a beat that starts after they asked (see `renewed`).
  let waiting: { after: number; resolve: () => void }[] = [];
  const heldUp = (at: number | undefined, now: number) => {
    if (stall.signal.aborted) return;
    log(
      `warning: this worker went ${at === undefined ? 'too long' : `${Math.round((now - at) / 1000)} s`} without renewing its leases (lease ${Math.round(leaseMs / 1000)} s): another worker may have taken its items over, so it sends nothing more and hands its items back; run the same command to go on`,
    );
    stall.abort();
  };
  const stale = (seq: number): boolean => {
    const at = confirmed.get(seq);
    if (at !== undefined && clock() - at <= leaseMs * STALE_LEASE_SHARE) return false;
    heldUp(at, clock());
    return true;
  };
  return {
    holding,
    clock,
    stalled: stall.signal,
    isLost: (seq: number) => lost.has(seq) || stale(seq),
    /** A beat's answer: `before`, the items held when it started; `held`, those it renewed. */
    beaten(before: ReadonlySet<number>, held: ReadonlySet<number>, startedAt: number): void {
      // A claim answered once the beat had started may have committed after the beat's statement
      // ran: its items are missing from the answer though they are ours, neither lost nor unconfirmed.
      const claimedSince = (seq: number) => (answered.get(seq) ?? -Infinity) >= startedAt;
      // Only items held when the beat started: one claimed meanwhile is not in its answer.
      for (const seq of before) {
        if (!holding.has(seq) || held.has(seq) || claimedSince(seq)) continue;
        lost.add(seq);
        // Taken over after going unrenewed past the share a message may start on: this worker was
        // held up (stopped, suspended), as `stale` finds when it is asked first. A beat that answers
        // first after the stop must not let it go on as if nothing happened.
        const at = confirmed.get(seq);
        if (at !== undefined && startedAt - at > leaseMs * STALE_LEASE_SHARE) heldUp(at, startedAt);
      }
      const renewed = new Map<number, number>();
      for (const seq of held) renewed.set(seq, startedAt);
      for (const [seq, at] of confirmed)
        if ((at > startedAt || claimedSince(seq)) && !renewed.has(seq)) renewed.set(seq, at);
      confirmed = renewed;
      for (const waiter of waiting) if (startedAt >= waiter.after) waiter.resolve();
      waiting = waiting.filter((waiter) => startedAt < waiter.after);
      for (const seq of answered.keys()) if (!holding.has(seq) && !claimedSince(seq)) answered.delete(seq);
    },
    /**
     * Resolves once a beat that started after this call answered: a message held up while the
     * database was away has its lease renewed, or found taken over, before it is asked whether it is ours.
     */
    renewed(): Promise<void> {
      const after = clock();
      return new Promise((resolve) => waiting.push({ after, resolve }));
    },
    /** Items a claim that started at `at` returned. */
    claimed(items: readonly ClaimedItem[], at: number): void {
      // Claimed now, so ours again: an item this worker lost before (handed back while greylisted,
      // or taken over and left again) is not skipped as lost, which would keep it leased unsent.
      const answeredAt = clock();
      for (const item of items) {
        confirmed.set(item.seq, at);
        answered.set(item.seq, answeredAt);
        lost.delete(item.seq);
      }
    },
  };
}
