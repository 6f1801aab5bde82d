import type { LedgerEntry } from '../state/contract.js';
import { deliverJob, type Task, THROTTLED_OUT_MS, type ThrottleWatch } from './deliver-job.js';
import { createLaterQueue, DEFAULT_GREYLIST_RETRY_MS } from './greylist.js';
import { deadDomain, domainOf, refusalStreak, releaseAtEnd, releaseHeld } from './held-refusals.js';
import { createPermits } from './permits.js';
import { systemClock } from './rate-limit.js';
import { createRecorder } from './recorder.js';
import {
  type DeliveryFailure,
  LOOK_FAILED_STOP,
  MAILBOX_WORDS_PATIENCE,
  MESSAGES_REFUSED,
  refusalKey,
  refusalsToAbort,
  refusedTheMessage,
  THROTTLED_OUT,
} from './retry.js';
import type { JobOutcome, RunOptions, RunResult, SendJob } from './run-types.js';
import { createSlots } from './slots.js';
import { LocalWriteError } from './transport.js';

export { THROTTLED_ALLOWANCE, THROTTLED_OUT_MS } from './deliver-job.js';
export type {
  Accepted,
  JobOutcome,
  LedgerWriter,
  RefusalStreak,
  RunOptions,
  RunResult,
  SendJob,
  Unrecorded,
} from './run-types.js';

export const SAME_REFUSAL_LIMIT = 5;

/**
 * Delivers jobs with `concurrency` workers sharing one rate limiter. The ledger row is written
 * only after the server accepted the message, so a crash at any point leaves every unrecorded
 * message to be sent by the next run, and no recorded one is sent twice. Rows are written in
 * short batches (recorder.ts). Over the SMTP wire path a connection sends its next message while
 * the previous row is being committed and holds back only the terminating dot, the point at which
 * the server takes a message, until a commit permit is free (permits.ts); over other transports a
 * message keeps its connection until its row is committed. Either way the messages a crash can
 * leave unrecorded are only those in flight, at most one for each connection, and after a failed ledger write
 * no further message is completed. On abort, workers take no new job and stop retrying; messages
 * already on the wire finish and are recorded.
 *
 * Delivery is at least once, not exactly once: if the connection drops after the server has taken
 * the whole message but before its "250" reaches us, the message counts as not sent and goes out
 * again (a retry, or the next run). The Message-ID is stable per issue and reader, so many mailbox
 * providers drop that copy; at most one message per connection in flight can be doubled this way.
 *
 * A server that gave no reply at all through one message's every retry is gone (down, unreachable):
 * the run stops as if aborted instead of spending the retries of every remaining message on it.
 * A permanent refusal of the sender or account (5xx to MAIL FROM, the login or the connection), or
 * `sameRefusalLimit` identical permanent refusals in a row (or MAILBOX_WORDS_PATIENCE times as many,
 * whatever they say), aborts the run: marking every reader
 * failed at full speed would lose the whole list to one suspended account.
 */
export async function runDeliveries(jobs: Iterable<SendJob>, options: RunOptions): Promise<RunResult> {
  const halt = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, halt.signal]) : halt.signal;
  const inner: RunOptions = { ...options, signal };
  const limit = Math.max(1, options.sameRefusalLimit ?? SAME_REFUSAL_LIMIT);
  let stopped: string | undefined;
  let aborted: string | undefined;
  let crash: { error: unknown } | undefined;
  let halted: RunResult['halted'];
  const slots = createSlots(Math.max(1, options.concurrency));
  const watch: ThrottleWatch = { since: undefined };
  // Permanent refusals that could be the server's of everyone, held back until an acceptance or a
  // refusal about one mailbox shows they were about their readers after all (then: failed), or the
  // run is aborted (then: deferred). Counted and held over every run of one send, so a worker's
  // batches do not each start again from none.
  const refusals = options.refusals ?? refusalStreak();
  // Refusals of the messages themselves fail their readers and the run goes on, but `limit` of them
  // before any message was accepted say the server refuses the issue itself: going on would mark the
  // whole list failed. Those readers stay failed, so the next run does not stop at them again.
  const accepted = options.accepted ?? { any: false };
  let refusedBeforeAny = 0;

  const permits = options.permits ?? createPermits(Math.max(1, options.concurrency), () => recorder.flush());
  const leave = options.permits?.join(() => recorder.flush());
  const recorder = createRecorder(
    options.ledger,
    { concurrency: Math.max(1, options.concurrency), ...options.batch },
    // A connection waiting at its dot is waiting for these rows; a failed write refuses every dot.
    { urgent: () => permits.starved, onWriteFailed: () => permits.refuseAll() },
  );
  // Resolves once the row is committed (or its batch failed); never rejects.
  const settle = async (job: SendJob, outcome: JobOutcome): Promise<void> => {
    try {
      await recorder.record(rowOf(job, outcome), outcome.status === 'sent');
    } catch (error) {
      // The first failed ledger write stops the run; each message still in flight tries its own row.
      halted ??= { error, unrecorded: [] };
      halt.abort();
      if (outcome.status === 'sent')
        halted.unrecorded.push({ email: job.email, variantId: job.variantId, messageId: job.messageId });
    }
    job.done?.();
    options.onOutcome?.(job, outcome);
  };
  const hold = (job: SendJob, outcome: JobOutcome & { status: 'failed' }) =>
    refusals.held.push({
      job,
      outcome,
      settle: (as) => settle(job, as === 'failed' ? outcome : { ...outcome, status: 'deferred' }),
    });
  const releaseStreak = (as: 'failed' | 'deferred') => releaseHeld(refusals, as);
  // Shown to be about their readers: the next refusal starts a new count.
  const readersAfterAll = (): Promise<unknown> => {
    Object.assign(refusals, { key: undefined, same: 0, inARow: 0 });
    return releaseStreak('failed');
  };
  const abortRun = (reason: string): Promise<unknown> => {
    aborted ??= reason;
    refusals.aborted = true;
    halt.abort();
    return releaseStreak('deferred');
  };
  const iterator = jobs[Symbol.iterator]();
  // A run of refusals in words of an unknown mailbox, every reader of one domain, may be that domain
  // gone rather than the server refusing everyone: before aborting, that domain's readers are held
  // back and the next readers of other domains sent. One taken shows the refusals were their readers'
  // (failed); a refusal of such a reader too, or no other domain left to try, aborts the run.
  const heldBack: SendJob[] = [];
  const probes = new Set<SendJob>();
  const nextJob = (): SendJob | undefined => {
    if (refusals.probing === undefined && heldBack.length > 0) return heldBack.shift();
    for (let item = iterator.next(); !item.done; item = iterator.next()) {
      if (refusals.probing === undefined) return item.value;
      if (domainOf(item.value.email) === refusals.probing) heldBack.push(item.value);
      else return probes.add(item.value) && item.value;
    }
    return undefined;
  };
  // Greylisted readers wait here for their next try, holding no worker; taken first once due.
  const later = createLaterQueue<Task & { failure: DeliveryFailure }>(options.clock ?? systemClock);
  const greylisted = new Set<string>();
  const next = async (): Promise<Task | undefined> => {
    if (signal.aborted) return undefined;
    const due = later.takeDue();
    if (due) return due;
    const job = nextJob();
    if (job) return { job, ...job.resumed };
    // A reader of another domain still out decides; with none, the run cannot tell and stops.
    const { probing, held } = refusals;
    if (probing !== undefined && probes.size > 0) return undefined;
    if (probing !== undefined && held.length > 0) {
      // A worker's next batch may hold one: this batch's readers of that domain are tried meanwhile.
      if (await options.moreToCome?.()) {
        const back = heldBack.shift();
        return back ? { job: back, ...back.resumed } : later.waitNext(signal);
      }
      // A reader greylisted meanwhile decides as well at its next try, which the run waits for.
      const retry = await later.waitNext(signal);
      if (retry) {
        if (refusals.probing !== undefined && domainOf(retry.job.email) !== refusals.probing) probes.add(retry.job);
        return retry;
      }
      if (signal.aborted) return undefined;
      // Another worker's retry decided meanwhile, or is out still.
      if (refusals.probing !== probing || probes.size > 0 || refusals.held.length === 0) return next();
      const { response } = held[held.length - 1]!.outcome.failure;
      const waiting = refusals.probesGreylisted ?? 0;
      const left =
        waiting > 0
          ? `the ${waiting} reader(s) of other domains tried since were greylisted: run the same command again once their wait is over, and`
          : 'no reader of another domain left to try:';
      await abortRun(
        `${held.length} messages in a row refused with the same reply: ${response} (all to readers of ${probing}, and ${left} if ${probing} is gone, take its readers off the list)`,
      );
      return undefined;
    }
    return later.waitNext(signal);
  };
  // Two workers per connection: while one waits for the server's reply, the other builds and
  // encodes the next message, so no connection idles. Only `concurrency` are ever on the wire.
  const workers = Array.from({ length: Math.max(1, options.concurrency) * 2 }, async () => {
    try {
      for (let task = await next(); task; task = await next()) {
        const { job } = task;
        const delivered = await deliverJob(task, inner, slots, permits, watch);
        const probe = probes.delete(job);
        if (!delivered) return;
        // The list could not be read right before it: not started, nor any message after it.
        if ('unread' in delivered) {
          if (!halt.signal.aborted) stopped ??= `${LOOK_FAILED_STOP}${delivered.unread.message}`;
          halt.abort();
          return;
        }
        if ('later' in delivered) {
          const retryMs = options.greylistRetryMs ?? DEFAULT_GREYLIST_RETRY_MS;
          if (greylisted.size === 0) options.onFirstGreylisted?.(delivered.failure, retryMs);
          greylisted.add(job.email);
          const { attempts = 0, greylists = 0 } = delivered.later;
          // Each reader counted once, however many of its tries were greylisted.
          if (probe && greylists <= 1) refusals.probesGreylisted = (refusals.probesGreylisted ?? 0) + 1;
          if (options.handBack) {
            options.handBack(job, { attempts, greylists }, retryMs);
            job.done?.();
            continue;
          }
          later.add({ ...delivered.later, failure: delivered.failure }, retryMs);
          continue;
        }
        if ('suppressed' in delivered) {
          job.done?.();
          options.onSuppressed?.(job, delivered.suppressed);
          continue;
        }
        // Another worker holds this reader now: theirs to send and record.
        if ('notOurs' in delivered) {
          job.done?.();
          continue;
        }
        let outcome = delivered.outcome;
        if (outcome.status === 'failed' && (aborted !== undefined || outcome.failure.accountLevel)) {
          // About the account, not this reader: left for a later run.
          outcome = { ...outcome, status: 'deferred' };
          await Promise.all([settle(job, outcome), abortRun(outcome.failure.response)]);
          continue;
        }
        if (outcome.status === 'failed') {
          const key = refusalKey(outcome.failure);
          // A reader of another domain refused as dead while probing says nothing of the others.
          const released = key === undefined && refusals.probing === undefined ? readersAfterAll() : undefined;
          if (key === undefined) {
            // Decided before any await: a message finishing meanwhile is deferred, not failed.
            const refusesIssue = !accepted.any && refusedTheMessage(outcome.failure) && ++refusedBeforeAny >= limit;
            await Promise.all([
              released,
              settle(job, outcome),
              refusesIssue &&
                abortRun(`${MESSAGES_REFUSED}${limit} refused for what they carry: ${outcome.failure.response}`),
            ]);
            continue;
          }
          refusals.same = key === refusals.key ? refusals.same + 1 : 1;
          refusals.key = key;
          refusals.inARow++;
          hold(job, { ...outcome, status: 'failed' });
          const enough = refusalsToAbort(outcome.failure, limit);
          // A server that takes turns between two refusals of everyone is one refusing everyone too.
          const mixed = limit * MAILBOX_WORDS_PATIENCE;
          const { probing } = refusals;
          if (probing !== undefined) {
            // Refused too while probing: the server refuses readers of other domains alike.
            if (domainOf(job.email) !== probing)
              await abortRun(
                `${refusals.held.length} messages in a row refused, readers of other domains than ${probing} too: ${outcome.failure.response}`,
              );
            continue;
          }
          if (refusals.same >= enough || refusals.inARow >= mixed) refusals.probing = deadDomain(refusals.held, limit);
          if (refusals.probing !== undefined) continue;
          if (refusals.same >= enough)
            await abortRun(`${enough} messages in a row refused with the same reply: ${outcome.failure.response}`);
          else if (refusals.inARow >= mixed)
            await abortRun(`${mixed} messages in a row refused, none accepted between: ${outcome.failure.response}`);
          continue;
        }
        if (outcome.status === 'sent') {
          accepted.any = true;
          const released = readersAfterAll();
          // Its slot, or its commit permit, is held until the row is committed: a failed write stops
          // the run before any other message is completed, so at most one for each connection goes out
          // unrecorded, batched writes or not.
          try {
            await settle(job, outcome);
          } finally {
            delivered.release();
          }
          await released;
          continue;
        }
        await settle(job, outcome);
        if (outcome.status === 'deferred' && outcome.failure.noReply && !halt.signal.aborted) {
          stopped = outcome.failure.response;
          halt.abort();
        }
        if (outcome.status === 'deferred' && outcome.failure.throttledOut && !halt.signal.aborted) {
          const minutes = Math.round((options.throttledOutMs ?? THROTTLED_OUT_MS) / 60_000);
          stopped = `${THROTTLED_OUT}${outcome.failure.response} (only throttling replies for ${minutes} min, nothing accepted)`;
          halt.abort();
        }
      }
    } catch (error) {
      // An outbox file that could not be written stops the run like a failed ledger write; anything
      // else is a bug: stop the others too, and only then report it.
      if (error instanceof LocalWriteError) halted ??= { error, unrecorded: [] };
      else crash ??= { error };
      halt.abort();
    }
  });
  // Left however the run ends: the shared permits must not call a finished run's flush.
  try {
    await Promise.all(workers);
    // Greylisted readers whose time had not come when the run stopped: the next run tries them.
    for (const { job, attempts, failure } of later.drain())
      await settle(job, { status: 'deferred', attempts: attempts ?? 0, failure });
    if (crash) {
      await recorder.drain();
      throw crash.error;
    }
    try {
      // A worker's next batch may yet reach the count, or try a reader of another domain than the
      // one probed: those refusals are left held for it to decide.
      const leftForNextBatch =
        !signal.aborted && !refusals.aborted && refusals.held.length > 0 && (await options.moreToCome?.());
      if (!leftForNextBatch) await releaseAtEnd(refusals, signal.aborted, accepted);
    } finally {
      await recorder.drain();
    }
    return { stopped, aborted, halted, greylisted: greylisted.size, unjudged: refusals.unjudged };
  } finally {
    leave?.();
  }
}

/** The ledger row of an outcome. */
export function rowOf(job: SendJob, outcome: JobOutcome): LedgerEntry {
  if (outcome.status === 'sent')
    return {
      email: job.email,
      variantId: job.variantId,
      status: 'sent',
      messageId: job.messageId,
      responseCode: Number.parseInt(outcome.response, 10) || 250,
      response: outcome.response.slice(0, 500),
      attempts: outcome.attempts,
    };
  return {
    email: job.email,
    variantId: job.variantId,
    status: outcome.status,
    messageId: job.messageId,
    responseCode: outcome.failure.responseCode ?? null,
    response: outcome.failure.response,
    attempts: outcome.attempts,
  };
}
