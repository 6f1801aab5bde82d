import { describe, expect, it } from 'vitest';
import { watchLeases } from '../../../src/send/workers/lease-watch.js';
import type { ClaimedItem } from '../../../src/state/postgres/queue.js';

const item = (seq: number): ClaimedItem => ({
  seq,
  email: `r${seq}@example.test`,
  variantId: 'v',
  claims: 1,
  suppressed: false,
  tries: 0,
  greylists: 0,
});

/**
 * A claim and a heartbeat run on two connections: the claim may start first and commit after the
 * beat's statement ran, so the beat's answer lacks the items the claim returned.
 */
function setup() {
  let t = 1_000_000;
  const lines: string[] = [];
  const leases = watchLeases({ leaseMs: 30_000, log: (line) => lines.push(line), now: () => t });
  const tick = (ms = 10) => {
    t += ms;
  };
  /** `seqs` claimed and held, then a beat `pauseMs` later that renews `renewed` of them. */
  const heldThenBeaten = (seqs: number[], pauseMs: number, renewed: number[]) => {
    leases.claimed(seqs.map(item), leases.clock());
    for (const seq of seqs) leases.holding.add(seq);
    tick(pauseMs);
    const before = new Set(leases.holding);
    const beatStarted = leases.clock();
    tick();
    leases.beaten(before, new Set(renewed), beatStarted);
  };
  return { leases, lines, tick, heldThenBeaten };
}

describe('a heartbeat answered around a claim', () => {
  it('keeps the items of a claim that started before the beat and committed after it', () => {
    const { leases, lines, tick } = setup();
    const claimStarted = leases.clock();
    tick();
    const before = new Set(leases.holding);
    const beatStarted = leases.clock();
    tick();
    leases.claimed([item(1), item(2)], claimStarted);
    leases.holding.add(1).add(2);
    tick();
    leases.beaten(before, new Set(), beatStarted);

    expect(leases.isLost(1)).toBe(false);
    expect(leases.isLost(2)).toBe(false);
    expect(leases.stalled.aborted).toBe(false);
    expect(lines).toEqual([]);
  });

  it('does not take a reader claimed again during the beat for lost', () => {
    const { leases, tick } = setup();
    // Held by an earlier batch, then taken over by another worker and let go again.
    leases.claimed([item(5)], leases.clock());
    leases.holding.add(5);
    tick();
    const before = new Set(leases.holding);
    const beatStarted = leases.clock();
    tick();
    const claimStarted = leases.clock();
    leases.claimed([item(5)], claimStarted);
    tick();
    leases.beaten(before, new Set(), beatStarted);

    expect(leases.isLost(5)).toBe(false);
    expect(leases.stalled.aborted).toBe(false);
  });

  it('still takes a held reader the beat did not renew, with no claim since, for lost', () => {
    const { leases, heldThenBeaten } = setup();
    heldThenBeaten([7], 10, []);

    expect(leases.isLost(7)).toBe(true);
    // Not renewed for a moment only: the worker was not held up, and goes on with its other readers.
    expect(leases.stalled.aborted).toBe(false);
  });

  it('keeps the items a beat renewed', () => {
    const { leases, heldThenBeaten } = setup();
    heldThenBeaten([3], 10, [3]);
    expect(leases.isLost(3)).toBe(false);
    expect(leases.stalled.aborted).toBe(false);
  });
});

describe('a heartbeat answered first after the worker was held up past its lease', () => {
  it('stops the worker and says why, as a stale lease found before a message does', () => {
    const { leases, lines, heldThenBeaten } = setup();
    // Stopped 40 s (a lease is 30 s): another worker took both over; the timer's beat runs first.
    heldThenBeaten([1, 2], 40_000, []);

    expect(leases.stalled.aborted).toBe(true);
    expect(lines).toEqual([
      'warning: this worker went 40 s without renewing its leases (lease 30 s): another worker may have taken its items over, so it sends nothing more and hands its items back; run the same command to go on',
    ]);
  });

  it('goes on when the beat renewed them: no other worker took them over', () => {
    const { leases, lines, heldThenBeaten } = setup();
    heldThenBeaten([1], 40_000, [1]);

    expect(leases.isLost(1)).toBe(false);
    expect(leases.stalled.aborted).toBe(false);
    expect(lines).toEqual([]);
  });
});
