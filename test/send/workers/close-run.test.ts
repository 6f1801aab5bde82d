import { describe, expect, it } from 'vitest';
import { RolecastError } from '../../../src/errors.js';
import { closeWorkerRun } from '../../../src/send/workers/pipeline.js';
import type { QueueProgress } from '../../../src/state/postgres/queue.js';

/**
 * A worker's last two database calls (how many items are left, closing the run record) come after
 * everything it sent is recorded: a database that goes away just then is waited for, as during the
 * send, instead of failing a finished send.
 */
describe('closing a worker run', () => {
  const away = () => new RolecastError('E_STATE_UNAVAILABLE', 'the database cannot be reached (connection reset)');
  const done: QueueProgress = { items: 40, open: 0, leasedElsewhere: 0, nextExpiry: null, now: 0 };

  /** A queue whose calls each fail `failures` times with an unreachable database, then answer. */
  const flakyQueue = (failures: number) => {
    const calls = { progress: 0, finishRun: [] as (string | undefined)[] };
    return {
      calls,
      queue: {
        async progress() {
          if (calls.progress++ < failures) throw away();
          return done;
        },
        async finishRun(outcome: string | undefined) {
          calls.finishRun.push(outcome);
          if (calls.finishRun.length <= failures) throw away();
          return 'complete';
        },
      },
    };
  };

  it('waits out a database that went away after the last outcome was recorded', async () => {
    const { queue, calls } = flakyQueue(1);
    const lines: string[] = [];
    const closed = await closeWorkerRun(queue, {
      signal: new AbortController().signal,
      result: {},
      partOfList: false,
      log: (line) => lines.push(line),
      outagePatienceMs: 30_000,
    });
    expect(closed).toEqual({ open: 0, interrupted: false });
    expect(calls.progress).toBe(2);
    expect(calls.finishRun).toEqual([undefined, undefined]);
    expect(lines.some((line) => line.includes('the database cannot be reached'))).toBe(true);
  }, 20_000);

  it('an interrupted worker does not wait: the error is its exit', async () => {
    const { queue } = flakyQueue(1);
    const stopped = new AbortController();
    stopped.abort();
    await expect(
      closeWorkerRun(queue, { signal: stopped.signal, result: {}, partOfList: false, log: () => {} }),
    ).rejects.toThrow(/cannot be reached/);
  });
});
