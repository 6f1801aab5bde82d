import { afterAll, describe, expect, it, vi } from 'vitest';
import type { ClaimedItem, ItemOutcome } from '../../../src/state/postgres/queue.js';

const item = (seq: number): ClaimedItem => ({
  seq,
  email: `r${seq}@example.test`,
  variantId: 'editor',
  claims: 1,
  suppressed: false,
  tries: 0,
  greylists: 0,
});

// One batch stood in for: reader 1 accepted, reader 2 greylisted for the second time.
const OUTCOMES: ItemOutcome[] = [
  {
    seq: 1,
    email: 'r1@example.test',
    variantId: 'editor',
    status: 'sent',
    messageId: '<m1@example.test>',
    responseCode: 250,
    response: '250 ok',
    attempts: 1,
    updatedAt: '2026-12-05T00:00:00.000Z',
  },
  { seq: 2, email: 'r2@example.test', variantId: 'editor', status: 'later', retryMs: 60_000, tries: 2, greylists: 2 },
];
vi.mock('../../../src/send/workers/batch.js', () => ({
  sendBatch: (_items: readonly ClaimedItem[], context: { onExhausted?: () => void }) => {
    context.onExhausted?.();
    return Promise.resolve({ outcomes: OUTCOMES, result: {} });
  },
}));

// Test files share one module registry: the pipeline is imported afresh so it meets the stand-in.
vi.resetModules();
const { runPipeline } = await import('../../../src/send/workers/pipeline.js');
afterAll(() => {
  vi.doUnmock('../../../src/send/workers/batch.js');
  vi.resetModules();
});

/**
 * The database refuses a batch's ledger rows (a reader's row the ledger will not take): the worker
 * lists the accepted readers for its side file and stops. A greylisted reader of that batch was
 * delivered nothing and has no ledger row to write: their hand-back (tries so far, the time before
 * which no worker takes them) is still written, or the next worker would try them at once with
 * their count started again, more greylisted tries than configured.
 */
describe('send worker pipeline: a greylisted reader in a batch whose ledger rows are refused', () => {
  it('is handed back with their tries though the rest of the batch could not be recorded', async () => {
    const written: ItemOutcome[][] = [];
    let claims = 0;
    const result = await runPipeline({
      queue: {
        claim: async () => (++claims === 1 ? [item(1), item(2)] : []),
        complete: async (outcomes) => {
          if (outcomes.some((o) => o.status !== 'later' && o.status !== 'skipped'))
            throw new Error('the ledger refuses this write');
          written.push([...outcomes]);
          return { lost: 0 };
        },
        progress: async () => ({ items: 2, open: 1, leasedElsewhere: 0, nextExpiry: null, now: 0 }),
        markDone: async () => {},
      },
      window: 4,
      holding: new Set(),
      isLost: () => false,
      log: () => {},
      retryMs: [],
      outagePatienceMs: 0,
      batch: {} as never,
    });
    expect(result.writeError).toBeInstanceOf(Error);
    expect(result.unrecorded.map((u) => u.email)).toEqual(['r1@example.test']);
    expect(written).toEqual([[OUTCOMES[1]]]);
  });
});
