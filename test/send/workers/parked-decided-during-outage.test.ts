import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ClaimedItem, ItemOutcome } from '../../../src/state/postgres/queue.js';

const item: ClaimedItem = {
  seq: 1,
  email: 'x@gone.example',
  variantId: 'editor',
  claims: 1,
  suppressed: false,
  tries: 0,
  greylists: 0,
};
const FAILED: ItemOutcome = {
  seq: 1,
  email: 'x@gone.example',
  variantId: 'editor',
  status: 'failed',
  messageId: '<x@example.test>',
  responseCode: 550,
  response: '550 Unrouteable address',
  attempts: 1,
  updatedAt: '2026-12-05T00:00:00.000Z',
};
// One batch stood in for: its refusal, written deferred already, is decided failed before it ends.
vi.mock('../../../src/send/workers/batch.js', () => ({
  sendBatch: async (
    _items: readonly ClaimedItem[],
    context: { onExhausted?: () => void; failParked?: (o: ItemOutcome[]) => Promise<void> },
  ) => {
    context.onExhausted?.();
    await context.failParked?.([FAILED]);
    return { outcomes: [], result: {} };
  },
}));

// Test files share one module registry: the pipeline is imported afresh so it meets the stand-in.
vi.resetModules();
const { runPipeline } = await import('../../../src/send/workers/pipeline.js');
// The pipeline's own error type, from the registry it was imported with.
const { RolecastError } = await import('../../../src/errors.js');
afterAll(() => {
  vi.doUnmock('../../../src/send/workers/batch.js');
  vi.resetModules();
});

/**
 * A worker's refusals written deferred and decided failed meanwhile are turned failed by one write.
 * The database going away for a moment (a restart, a failover) is waited out for every other write
 * of the worker; this one gave up at once, so the readers of a dead domain stayed deferred while the
 * worker's report counted them failed, and the next run mailed them again.
 */
describe('send worker pipeline: refusals decided failed while the database is away', () => {
  it('are turned failed once it is back, as other outcomes are written', async () => {
    let tries = 0;
    const written: ItemOutcome[][] = [];
    const log: string[] = [];
    let claims = 0;
    await runPipeline({
      queue: {
        claim: async () => (++claims === 1 ? [item] : []),
        complete: async () => ({ lost: 0 }),
        failParked: async (outcomes) => {
          if (++tries === 1) throw new RolecastError('E_STATE_UNAVAILABLE', 'the database cannot be reached');
          written.push([...outcomes]);
        },
        progress: async () => ({ items: 1, open: 0, leasedElsewhere: 0, nextExpiry: null, now: 0 }),
        markDone: async () => {},
      },
      window: 4,
      holding: new Set(),
      isLost: () => false,
      log: (line) => log.push(line),
      retryMs: [],
      outagePatienceMs: 60_000,
      batch: {} as never,
    });
    expect(written, log.join('\n')).toEqual([[FAILED]]);
    expect(tries).toBe(2);
  });
});
