import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ClaimedItem, ItemOutcome } from '../../../src/state/postgres/queue.js';

// The batches are stood in for: each keeps its context, hands out its jobs and ends when the test says.
interface StandIn {
  isLost(seq: number): boolean;
  exhaust(): void;
  end(): void;
}
const batches: StandIn[] = [];
vi.mock('../../../src/send/workers/batch.js', () => ({
  sendBatch: (_items: readonly ClaimedItem[], context: { onExhausted?: () => void; isLost(seq: number): boolean }) =>
    new Promise<{ outcomes: ItemOutcome[]; result: object }>((resolve) => {
      batches.push({
        isLost: (seq) => context.isLost(seq),
        exhaust: () => context.onExhausted?.(),
        end: () => resolve({ outcomes: [], result: {} }),
      });
    }),
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
 * A reader still in a batch that is sending may be claimed again by the same worker (their lease
 * ran out and another worker took them and let them go, or they were handed back to the plan while
 * greylisted), and that claim makes them the worker's own again. From that claim on only the later
 * batch may mail them: the earlier one, still to start them or trying them again, would mail them
 * a second time.
 */
describe('send worker pipeline: a reader claimed again while an earlier batch still sends', () => {
  it('is the later batch’s alone from its claim on', async () => {
    batches.length = 0;
    let calls = 0;
    let claimedAgain!: () => void;
    const second = new Promise<void>((resolve) => (claimedAgain = resolve));
    const claim = async (): Promise<ClaimedItem[]> => {
      calls++;
      if (calls === 1) return [item(1), item(2)];
      if (calls === 2) {
        setTimeout(claimedAgain, 0);
        return [item(1), item(3)];
      }
      return [];
    };
    const running = runPipeline({
      queue: {
        claim,
        complete: async () => ({ lost: 0 }),
        progress: async () => ({ items: 3, open: 0, leasedElsewhere: 0, nextExpiry: null, now: 0 }),
        markDone: async () => {},
      },
      window: 6,
      holding: new Set<number>(),
      isLost: () => false,
      log: () => {},
      batch: {} as never,
    });
    await second;
    await tick();
    // Claimed into the next batch, not started yet: the first batch no longer mails reader 1.
    expect(batches).toHaveLength(1);
    expect(batches[0]!.isLost(1)).toBe(true);
    expect(batches[0]!.isLost(2)).toBe(false);
    batches[0]!.exhaust();
    await tick();
    expect(batches).toHaveLength(2);
    expect(batches[1]!.isLost(1)).toBe(false);
    expect(batches[1]!.isLost(3)).toBe(false);
    // The first batch ends: reader 1 stays the second's.
    batches[0]!.end();
    await tick();
    expect(batches[0]!.isLost(1)).toBe(true);
    expect(batches[1]!.isLost(1)).toBe(false);
    batches[1]!.exhaust();
    batches[1]!.end();
    await running;
  });
});
