import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ClaimedItem, ItemOutcome } from '../../../src/state/postgres/queue.js';

// The batches are stood in for: each hands out its jobs at once and ends when the test says.
const ends: (() => void)[] = [];
vi.mock('../../../src/send/workers/batch.js', () => ({
  sendBatch: (_items: readonly ClaimedItem[], context: { onExhausted?: () => void }) => {
    context.onExhausted?.();
    return new Promise<{ outcomes: ItemOutcome[]; result: object }>((resolve) => {
      ends.push(() => resolve({ outcomes: [], result: {} }));
    });
  },
}));

// Test files share one module registry: the pipeline is imported afresh so it meets the stand-in.
vi.resetModules();
const { runPipeline } = await import('../../../src/send/workers/pipeline.js');
afterAll(() => {
  vi.doUnmock('../../../src/send/workers/batch.js');
  vi.resetModules();
});

const item = (seq: number): ClaimedItem => ({
  seq,
  email: `r${seq}@example.test`,
  variantId: 'editor',
  claims: 1,
  suppressed: false,
  tries: 0,
  greylists: 0,
});
const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

/**
 * A greylisted reader handed back while the rest of their batch still sends may be claimed again by
 * the same worker once their time comes, into a later batch, before the first batch ends. The end
 * of the first batch must not drop them from what this worker holds: its next claim would take them
 * back as a lost claim and a second batch would mail them while the first still does.
 */
describe('send worker pipeline: an item claimed again while its earlier batch ends', () => {
  it('is still held by the later batch when the earlier one ends', async () => {
    ends.length = 0;
    const holding = new Set<number>();
    const heldAtClaim: boolean[] = [];
    let calls = 0;
    const claim = async (): Promise<ClaimedItem[]> => {
      calls++;
      if (calls === 1) return [item(1), item(2)];
      // Seq 1 was handed back by the first batch and is due again: claimed into the second.
      if (calls === 2) return [item(1), item(3)];
      if (calls === 3) {
        // The first batch ends meanwhile.
        ends[0]!();
        await tick();
        return [item(4)];
      }
      heldAtClaim.push(holding.has(1));
      for (const end of ends.slice(1)) end();
      await tick();
      return [];
    };
    await runPipeline({
      queue: {
        claim,
        complete: async () => ({ lost: 0 }),
        progress: async () => ({ items: 4, open: 0, leasedElsewhere: 0, nextExpiry: null, now: 0 }),
        markDone: async () => {},
      },
      window: 6,
      holding,
      isLost: () => false,
      log: () => {},
      batch: {} as never,
    });
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(heldAtClaim[0]).toBe(true);
    expect(holding.size).toBe(0);
  });
});
