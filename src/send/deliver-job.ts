import type { SendMailOptions } from 'nodemailer';
import { GREYLIST_TRIES, isGreylisting } from './greylist.js';
import { isLookFailed, LATE_SUPPRESSION_CHECK_MS } from './late-suppressions.js';
import { messageGate, type Permits } from './permits.js';
import { systemClock } from './rate-limit.js';
import { backoffDelay, classifyFailure, type DeliveryFailure, isThrottling } from './retry.js';
import type { JobOutcome, RunOptions, SendJob } from './run-types.js';
import type { Slots } from './slots.js';
import { LocalWriteError, MESSAGE_WITHDRAWN } from './transport.js';
import { leaseClock } from './workers/lease-clock.js';

/** Throttling replies to one message that do not count against its retries (the pace slows instead). */
export const THROTTLED_ALLOWANCE = 10;

/**
 * Only throttling replies, and nothing accepted, for this long: the server is not slowing the run
 * down but refusing it for now (a daily or hourly quota reached). The run stops, the rest pending,
 * rather than spend hours of backed-off retries on every remaining message.
 */
export const THROTTLED_OUT_MS = 15 * 60_000;

/** When the run's throttling replies began, with nothing accepted since; shared by its workers. */
export interface ThrottleWatch {
  since: number | undefined;
}

/** An outcome; a sent one holds a slot or a commit permit until `release`, after its row is committed. */
export interface Delivered {
  outcome: JobOutcome;
  release(): void;
}

/** A job not tried (again): its reader was suppressed meanwhile, for this reason ('' without one). */
export interface Suppressed {
  suppressed: string;
}

/** A job not started as the suppression list could not be read right before it: nothing recorded. */
export interface Unread {
  unread: Error;
}

/** A job no longer this run's to send (see SendJob.stillOurs): not tried, nothing recorded. */
export interface NotOurs {
  notOurs: true;
}

/** A job, and where its tries stand when it comes back after greylisting (its message built again then). */
export interface Task {
  job: SendJob;
  attempts?: number;
  throttledAttempts?: number;
  greylists?: number;
}

/** A job greylisted: it waits its turn in the later queue, then goes on from `later`. */
export interface Greylisted {
  later: Task;
  failure: DeliveryFailure;
}

const NOTHING_HELD = () => {};

/**
 * How old the last look at the suppression list may be when a message's data is about to go: as
 * old as the background check's period (a second unless the run reads the list more often), else
 * it is made again. A slower background check never lets the look before the data grow older.
 */
function freshLookMs(options: RunOptions): number {
  return Math.min(options.lateSuppressionCheckMs ?? LATE_SUPPRESSION_CHECK_MS, LATE_SUPPRESSION_CHECK_MS);
}

/** Time since a message's last look, by the wall clock and the monotonic clock, whichever says more passed. */
function lookClock() {
  const clock = leaseClock(Date.now);
  let at = clock();
  return {
    now: () => {
      at = clock();
    },
    since: () => clock() - at,
  };
}

/** How many times one message's failed last look is made again before the run stops (see RunOptions.lookAgain). */
const LOOK_RECOVERIES = 3;

/**
 * One job with its retries; undefined when the run was aborted before it started, or when its end
 * of data was withheld after a failed ledger write (never completed: the next run sends it).
 */
export async function deliverJob(
  task: Task,
  options: RunOptions,
  slots: Slots,
  permits: Permits,
  watch: ThrottleWatch,
): Promise<Delivered | Suppressed | Greylisted | NotOurs | Unread | undefined> {
  const { job } = task;
  const clock = options.clock ?? systemClock;
  let mail: SendMailOptions;
  try {
    mail = job.build();
  } catch (error) {
    return holdingNothing({ status: 'failed', attempts: 0, failure: classifyFailure(error) });
  }
  const looked = lookClock();
  const lookMs = freshLookMs(options);
  let throttledAttempts = task.throttledAttempts ?? 0;
  const greylists = task.greylists ?? 0;
  // A last look that failed for a moment is made again before the message is tried again (nothing
  // of it was sent); a few such recoveries at most, so a look that keeps failing still stops the run.
  let lookRecoveries = 0;
  const lookedAgain = async (failed: Error): Promise<Error | undefined> => {
    if (!options.lookAgain || lookRecoveries >= LOOK_RECOVERIES) return failed;
    lookRecoveries++;
    try {
      await options.lookAgain(job.email, options.signal);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error : failed;
    }
  };
  for (let attempt = (task.attempts ?? 0) + 1; ; attempt++) {
    try {
      await options.limiter.take(options.signal);
    } catch {
      // Aborted while waiting for a token: not started, so nothing to record for a first attempt.
      if (attempt === 1) return undefined;
      return holdingNothing({ status: 'deferred', attempts: attempt - 1, failure: interruptedFailure() });
    }
    // Waiting for a connection's turn; told to stop meanwhile, the message never starts.
    if (!(await slots.acquire(options.signal))) {
      if (attempt === 1) return undefined;
      return holdingNothing({ status: 'deferred', attempts: attempt - 1, failure: interruptedFailure() });
    }
    // Asked after the waits for a token and a connection, the last moment before the message starts.
    const { confirmSuppressions } = options;
    try {
      await confirmSuppressions?.(options.signal);
      looked.now();
    } catch (error) {
      slots.release();
      if (!isLookFailed(error) || options.signal?.aborted) return undefined;
      const still = await lookedAgain(error);
      if (options.signal?.aborted) return undefined;
      if (still) return { unread: still };
      attempt--;
      continue;
    }
    const suppressed = job.suppressedSince?.();
    if (suppressed !== undefined) {
      slots.release();
      return { suppressed };
    }
    if (job.stillOurs?.() === false) {
      slots.release();
      return { notOurs: true };
    }
    const gate = messageGate(permits);
    const confirm = confirmSuppressions && (() => confirmSuppressions(options.signal).then(looked.now));
    try {
      // Asked again by the transport right before the message goes out: it may have waited for a connection.
      const { response } = await options.transport.send(mail, {
        request: (go) => gate.request(go),
        stillWanted: () => (job.suppressedNow ?? job.suppressedSince)?.() === undefined && job.stillOurs?.() !== false,
        stillOurs: () => job.stillOurs?.() !== false,
        confirm,
        // Stopped or suspended since its last look (or a server slow to answer its envelope): a
        // reader who left meanwhile would be mailed on a look seconds old, so it is read again; on
        // the state file by `stillWanted` itself (microseconds), asked once this resolves.
        freshLook: () => (looked.since() > lookMs ? (confirm?.() ?? Promise.resolve()) : undefined),
      });
      options.limiter.accepted?.();
      watch.since = undefined;
      const outcome: JobOutcome = { status: 'sent', attempts: attempt, response };
      // Accepted. Its commit permit, when the transport took one, bounds what a crash can leave
      // unrecorded: the connection is free for the next message. Otherwise the slot stays held.
      if (!gate.used) return { outcome, release: () => slots.release() };
      slots.release();
      return { outcome, release: () => gate.done() };
    } catch (error) {
      gate.done();
      slots.release();
      if (gate.refused) return undefined;
      if (error instanceof LocalWriteError) throw error;
      // Not sent again by the transport: its reader was suppressed while it waited, and nothing was taken.
      // Its last look could not be made once it had its connection: nothing of it was sent.
      if (isLookFailed(error)) {
        if (options.signal?.aborted) return undefined;
        const still = await lookedAgain(error);
        if (options.signal?.aborted) return undefined;
        if (still) return { unread: still };
        // Looked at again: the same try once more, not counted as one.
        attempt--;
        continue;
      }
      if ((error as { code?: unknown } | null)?.code === MESSAGE_WITHDRAWN) {
        // As the transport was told: a suppression only journaled yet is known to `suppressedNow`.
        const reason = lastReason(job);
        if (reason === undefined && job.stillOurs?.() === false) return { notOurs: true };
        return { suppressed: reason ?? '' };
      }
      const failure = classifyFailure(error);
      if (failure.kind === 'permanent') return holdingNothing({ status: 'failed', attempts: attempt, failure });
      // Greylisted: tried again after the greylisting delay, the run's pace untouched (see greylist.ts).
      // A reader greylisted before whose later try gets such a reply again came back before the
      // server's own delay was over: still greylisting, never a limit on the whole run.
      const greylisting = isGreylisting(failure, attempt === 1 || greylists > 0);
      if (greylists < GREYLIST_TRIES && !options.signal?.aborted && greylisting)
        return { later: { job, attempts: attempt, throttledAttempts, greylists: greylists + 1 }, failure };
      // A throttling reply slows the whole run; it spends a retry only past a generous allowance.
      const throttled = !greylisting && isThrottling(failure);
      if (throttled) {
        options.limiter.throttled?.(failure.response);
        throttledAttempts++;
        watch.since ??= clock.now();
        if (clock.now() - watch.since >= (options.throttledOutMs ?? THROTTLED_OUT_MS))
          return holdingNothing({ status: 'deferred', attempts: attempt, failure: { ...failure, throttledOut: true } });
      }
      // Greylisted tries are not among its retries, nor are its first throttling replies.
      const counted = attempt - greylists - Math.min(throttledAttempts, THROTTLED_ALLOWANCE);
      if (failure.unsure || counted > options.retries || options.signal?.aborted)
        return holdingNothing({ status: 'deferred', attempts: attempt, failure });
      try {
        await clock.sleep(backoffDelay(attempt - greylists, options.retryBaseMs, options.random), options.signal);
      } catch {
        return holdingNothing({ status: 'deferred', attempts: attempt, failure });
      }
    }
  }
}

/** Why a withdrawn message's reader left, as the transport was told; what was known if the look fails now. */
function lastReason(job: SendJob): string | undefined {
  try {
    return (job.suppressedNow ?? job.suppressedSince)?.();
  } catch {
    return job.suppressedSince?.();
  }
}

/** An outcome that holds neither a slot nor a permit. */
function holdingNothing(outcome: JobOutcome): Delivered {
  return { outcome, release: NOTHING_HELD };
}

function interruptedFailure(): DeliveryFailure {
  return {
    kind: 'temporary',
    responseCode: undefined,
    response: 'interrupted before the retry',
    noReply: false,
    accountLevel: false,
  };
}
