import { append } from '../../append.js';
import { RolecastError } from '../../errors.js';
import type { ClaimedItem, ItemOutcome, SendQueue } from '../../state/postgres/queue.js';
import { releaseAtEnd } from '../held-refusals.js';
import { createSharedPermits } from '../permits.js';
import type { Unrecorded } from '../run.js';
import type { BatchContext, BatchResult } from './batch.js';
import { sendBatch } from './batch.js';

/** Pauses between tries of a batch's outcome write; a database that refuses it after these stops the worker. */
export const WRITE_RETRY_MS = [100, 400, 1500, 4000] as const;

/**
 * How long a database that went away (restarted, failed over, unreachable) is waited for before the
 * outcomes go to the side file: its readers stay leased to this worker meanwhile, and once it is
 * back this worker records them before any other may claim them (see the claim's restart grace).
 */
export const OUTAGE_PATIENCE_MS = 300_000;
/** Pause between tries while the database is away, after WRITE_RETRY_MS. */
const OUTAGE_RETRY_MS = 2_000;

export interface PipelineOptions {
  queue: Pick<SendQueue, 'claim' | 'complete' | 'progress' | 'markDone'> & Partial<Pick<SendQueue, 'failParked'>>;
  /** Leases held at once: the claimed items whose outcomes are not recorded yet, over every batch in flight. */
  window: number;
  /** What every batch shares; `signal` and `onExhausted` are the pipeline's. */
  batch: Omit<
    BatchContext,
    'signal' | 'onExhausted' | 'isLost' | 'recordEarly' | 'recordNow' | 'permits' | 'moreToCome' | 'park' | 'failParked'
  >;
  isLost(seq: number): boolean;
  signal?: AbortSignal | undefined;
  /** Seqs of the items claimed and not recorded yet, for the heartbeat's check of lost leases. */
  holding: Set<number>;
  /** Pauses between the tries of an outcome write; default WRITE_RETRY_MS. */
  retryMs?: readonly number[] | undefined;
  /** How long an unreachable database is waited for; default OUTAGE_PATIENCE_MS. */
  outagePatienceMs?: number | undefined;
  log(line: string): void;
}

export interface PipelineResult extends BatchResult {
  takenOver: number;
  lost: number;
  /** Outcomes of accepted messages the database did not take, even after the retries. */
  unrecorded: Unrecorded[];
  /** Items of those outcomes: marked done when that still worked, else to keep under lease. */
  unrecordedSeqs: number[];
  writeError?: unknown;
}

/**
 * Claims and sends batches so the connections never idle at a batch boundary: the next batch is
 * claimed while the current one sends, and starts the moment the current one has handed out its
 * last job. Outcomes are recorded as they come (a few milliseconds' worth a write), in order. The
 * leases held at once never exceed `window`, so a crash leaves at most that many items to the others,
 * of which only those sent and not yet recorded (at most one message a connection) go out twice.
 *
 * A failed outcome write is tried again; when the database keeps refusing it, this worker stops
 * claiming, marks the items done if the database still takes that (so no worker sends them again)
 * and returns the accepted messages as unrecorded for the side file.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const { queue, holding } = options;
  const patience = options.outagePatienceMs ?? OUTAGE_PATIENCE_MS;
  const chunk = Math.max(1, Math.ceil(options.window / 2));
  const halt = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, halt.signal]) : halt.signal;
  // Claims and progress wait out a database that went away, as outcome writes do.
  const patiently = <T>(call: () => Promise<T>) => withRetries(call, [], patience, options.log, signal);
  const out: PipelineResult = { takenOver: 0, lost: 0, unrecorded: [], unrecordedSeqs: [] };
  // One connection's next final dot waits for its message's row, whichever batch either belongs to.
  const permits = createSharedPermits(Math.max(1, options.batch.concurrency ?? 1));
  let leased = 0;
  let feeding = false;
  let active = 0;
  let writes: Promise<void> = Promise.resolve();
  let wakeUp: (() => void) | undefined;
  const wake = () => {
    wakeUp?.();
    wakeUp = undefined;
  };
  const changed = () => new Promise<void>((resolve) => (wakeUp = resolve));
  const stopWith = (result: BatchResult) => {
    out.stopped ??= result.stopped;
    out.aborted ??= result.aborted;
    out.halted ??= result.halted;
    if (result.stopped !== undefined || result.aborted !== undefined || result.halted) halt.abort();
  };
  let crash: { error: unknown } | undefined;
  // The batch that holds each item now, from its claim on: an item claimed again (handed back while
  // greylisted, or taken over and left again) belongs to the later batch alone. The earlier one
  // neither starts nor retries it, and its end does not drop it from `holding`.
  const heldBy = new Map<number, object>();
  const letGo = (seq: number) => {
    heldBy.delete(seq);
    holding.delete(seq);
  };
  // A parked refusal decided failed: its deferred row turned failed, tried again and waited for as
  // every outcome write is. Not written, it stays deferred, which a later run tries again, so the send goes on.
  const failParked = async (outcomes: ItemOutcome[]) => {
    try {
      const { failParked: write } = queue;
      if (write) await withRetries(() => write(outcomes), options.retryMs ?? WRITE_RETRY_MS, patience, options.log);
    } catch (error) {
      options.log(
        `warning: could not record ${outcomes.length} refused reader(s) as failed (${error instanceof Error ? error.message : String(error)}); they stay deferred and the next run tries them again`,
      );
    }
  };
  const claimedAs = (items: ClaimedItem[]) => {
    const batchMark = {};
    for (const item of items) heldBy.set(item.seq, batchMark);
    return batchMark;
  };

  /** Whether the database took them; if not, they are listed for the side file. */
  const record = async (outcomes: ItemOutcome[]): Promise<boolean> => {
    try {
      // After a refusal, one try each: the database may still take other rows.
      const retryMs = out.writeError === undefined ? (options.retryMs ?? WRITE_RETRY_MS) : [];
      const patienceMs = out.writeError === undefined ? patience : 0;
      out.lost += (await withRetries(() => queue.complete(outcomes), retryMs, patienceMs, options.log)).lost;
      return true;
    } catch (error) {
      if (out.writeError === undefined)
        options.log(
          `warning: the database did not take the outcomes of a batch after ${1 + (options.retryMs ?? WRITE_RETRY_MS).length} tries; this worker stops claiming`,
        );
      out.writeError ??= error;
      halt.abort();
    }
    // The ledger refused (now or before): keep the accepted ones for the side file, and mark the
    // items done if the database still allows it, so no worker sends them again meanwhile.
    const sent = outcomes.filter(
      (o): o is Exclude<ItemOutcome, { status: 'skipped' | 'later' }> => o.status === 'sent',
    );
    for (const o of sent) out.unrecorded.push({ email: o.email, variantId: o.variantId, messageId: o.messageId ?? '' });
    try {
      await queue.markDone(sent.map((o) => o.seq));
    } catch {
      append(
        out.unrecordedSeqs,
        sent.map((o) => o.seq),
      );
    }
    // Greylisted readers have no ledger row to refuse: their hand-back (tries so far, not before
    // when) is written alone if the database takes it, or the next worker would try them at once
    // with their count started again. Left unwritten, they are released as before.
    const later = outcomes.filter((o) => o.status === 'later');
    if (later.length > 0) await queue.complete(later).catch(() => {});
    return false;
  };

  const start = (items: ClaimedItem[], batchMark: object) => {
    feeding = true;
    active++;
    for (const item of items) holding.add(item.seq);
    // Claimed again after a greylisting hand-back is not taken over: only claims past those are.
    out.takenOver += items.filter((item) => item.claims - item.greylists > 1).length;
    const sending = sendBatch(items, {
      ...options.batch,
      isLost: (seq) => heldBy.get(seq) !== batchMark || options.isLost(seq),
      signal,
      permits,
      // Written in turn with every other batch's outcomes, ahead of the rest of this one's.
      recordEarly(outcomes) {
        writes = writes.then(() => record(outcomes)).then(() => {});
      },
      // The run holds each connection's next final dot until its message's row is in (permits.ts).
      recordNow(outcomes) {
        const written = writes.then(() => record(outcomes));
        writes = written.then(() => {});
        return written.then((ok) => {
          if (!ok) throw out.writeError;
          // Done: no longer this worker's to renew, nor a lease a beat could find lost.
          for (const o of outcomes) if (heldBy.get(o.seq) === batchMark) letGo(o.seq);
        });
      },
      // Written with its items' done marks in turn with every other outcome; released once committed.
      park: queue.failParked
        ? (outcomes) => {
            const written = writes.then(() => record(outcomes));
            writes = written.then(() => {});
            void written.then((ok) => {
              if (ok) for (const o of outcomes) if (heldBy.get(o.seq) === batchMark) letGo(o.seq);
            });
          }
        : undefined,
      failParked(outcomes) {
        const written = writes.then(() => failParked(outcomes));
        writes = written;
        return written;
      },
      onExhausted() {
        feeding = false;
        wake();
      },
      // A batch still sending, one claimed, or a claim not answered empty: more of this worker's list.
      moreToCome: async () => {
        await claiming.catch(() => {});
        return active > 1 || ready !== undefined || !drained;
      },
    });
    // Refused readers the batch ended holding stay leased to this worker until parked (or, without
    // parking, until a later batch records them).
    let carriedSeqs = new Set<number>();
    void sending
      .then(
        ({ outcomes, result }) => {
          carriedSeqs = new Set(result.carried);
          stopWith(result);
          writes = writes.then(() => record(outcomes)).then(() => {});
          return writes;
        },
        (error: unknown) => {
          // A bug in building or sending: stop the others, and only then report it.
          crash ??= { error };
          halt.abort();
        },
      )
      .finally(() => {
        leased -= items.length;
        for (const item of items) if (heldBy.get(item.seq) === batchMark && !carriedSeqs.has(item.seq)) letGo(item.seq);
        feeding = false;
        active--;
        wake();
      });
  };

  let ready: ClaimedItem[] | undefined;
  let readyMark: object = {};
  let drained = false;
  let claiming: Promise<void> = Promise.resolve();
  // Refusals a batch ended holding, when no later batch came to decide for them (see RefusalStreak).
  const releaseCarried = () => {
    const { refusals, accepted = { any: false } } = options.batch;
    return refusals ? releaseAtEnd(refusals, signal.aborted, accepted) : undefined;
  };
  const settle = async () => {
    while (active > 0) await changed();
    await releaseCarried();
    await writes;
  };
  try {
    await claimAndSend();
  } catch (error) {
    // A claim or progress query failed: the batches in flight still finish and record (or list) their outcomes.
    halt.abort();
    await settle();
    if (crash) throw crash.error;
    if (out.writeError === undefined) throw error;
    return out;
  }
  await settle();
  if (crash) throw crash.error;
  return out;

  async function claimAndSend(): Promise<void> {
    while (!signal.aborted) {
      if (!ready && !drained && leased < options.window) {
        claiming = (async () => {
          const claimed = await patiently(() => queue.claim(Math.min(chunk, options.window - leased)));
          if (claimed.length > 0) {
            leased += claimed.length;
            ready = claimed;
            readyMark = claimedAs(claimed);
          } else drained = true;
        })();
        await claiming;
        continue;
      }
      if (ready && !feeding) {
        start(ready, readyMark);
        ready = undefined;
        continue;
      }
      if (active > 0 || ready) {
        await changed();
        continue;
      }
      // Nothing of ours in flight and nothing claimable: done, or others hold the rest.
      await releaseCarried();
      const progress = await patiently(() => queue.progress());
      if (progress.open === 0) break;
      const untilExpiry = progress.nextExpiry === null ? 1000 : progress.nextExpiry - progress.now + 10;
      if (!(await pause(Math.min(1000, Math.max(20, untilExpiry)), signal))) break;
      drained = false;
    }
    // Claimed and never started (stopped meanwhile): left to the release at the end.
    if (ready) leased -= ready.length;
  }
}

/**
 * The end of a worker's run once its pipeline stopped: how many items are left, and the run record
 * closed, each waiting out a database that went away as the batches' writes do. Everything it sent
 * is recorded by then: a connection lost here must not turn a finished send into a failed exit.
 * An interrupted worker does not wait.
 */
export async function closeWorkerRun(
  queue: Pick<SendQueue, 'progress' | 'finishRun'>,
  end: {
    /** The run's stop signal: set with items open, the run was interrupted. */
    signal: AbortSignal;
    /** What cuts a wait for the database short (the person stopping the run); default `signal`. */
    stopWaiting?: AbortSignal | undefined;
    result: BatchResult;
    /** The plan covers some segments or addresses: a resend it completes is not complete. */
    partOfList: boolean;
    log(line: string): void;
    outagePatienceMs?: number | undefined;
  },
): Promise<{ open: number; interrupted: boolean }> {
  const patience = end.outagePatienceMs ?? OUTAGE_PATIENCE_MS;
  const stop = end.stopWaiting ?? end.signal;
  const patiently = <T>(call: () => Promise<T>) => withRetries(call, [], patience, end.log, stop);
  const progress = await patiently(() => queue.progress());
  const interrupted = end.signal.aborted && progress.open > 0;
  const { result } = end;
  const reason = interrupted
    ? 'interrupted'
    : result.aborted
      ? 'aborted'
      : result.stopped || result.halted
        ? 'failed'
        : undefined;
  await patiently(() => queue.finishRun(reason, end.partOfList));
  return { open: progress.open, interrupted };
}

/**
 * A database call tried again after each pause of `retryMs` whatever the error, then every
 * OUTAGE_RETRY_MS for up to `patienceMs` (from the first failure) while the database cannot be reached.
 */
async function withRetries<T>(
  call: () => Promise<T>,
  retryMs: readonly number[],
  patienceMs: number,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<T> {
  let firstFailure: number | undefined;
  let waiting = false;
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await call();
      if (waiting) log('the database is back: this worker goes on');
      return result;
    } catch (error) {
      firstFailure ??= Date.now();
      let wait: number | undefined = retryMs[attempt];
      const waitable = isUnreachable(error) && Date.now() - firstFailure < patienceMs && !signal?.aborted;
      if (wait === undefined && waitable) {
        if (!waiting)
          log(
            `warning: the database cannot be reached (${error instanceof Error ? error.message : String(error)}); this worker waits up to ${Math.round(patienceMs / 1000)} s for it, and the readers it sent meanwhile stay leased to it until they are recorded`,
          );
        waiting = true;
        wait = OUTAGE_RETRY_MS;
      }
      if (wait === undefined) throw error;
      if (signal) await pause(wait, signal);
      else await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** The database went away or timed out (E_STATE_UNAVAILABLE), as opposed to refusing the write. */
function isUnreachable(error: unknown): boolean {
  return error instanceof RolecastError && error.code === 'E_STATE_UNAVAILABLE';
}

function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
