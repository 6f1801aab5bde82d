import type { SendMailOptions } from 'nodemailer';
import type { LedgerEntry } from '../state/contract.js';
import { createLaterQueue, DEFAULT_GREYLIST_RETRY_MS, GREYLIST_TRIES, isGreylisting } from './greylist.js';
import { createPermits, messageGate, type Permits } from './permits.js';
import { type Clock, type RateLimiter, systemClock } from './rate-limit.js';
import { createRecorder, type RecorderOptions } from './recorder.js';
import {
  backoffDelay,
  classifyFailure,
  type DeliveryFailure,
  isThrottling,
  MESSAGES_REFUSED,
  refusalKey,
  refusedTheMessage,
  THROTTLED_OUT,
} from './retry.js';
import { createSlots, type Slots } from './slots.js';
import { LocalWriteError, type MailTransport, MESSAGE_WITHDRAWN } from './transport.js';

/** One message to deliver; built only when a worker picks it up, so 100k jobs cost little memory. */
export interface SendJob {
  email: string;
  variantId: string;
  messageId: string;
  /**
   * Builds the message. A reader set aside for minutes (greylisting) waits without it and it is
   * built again for their next try: a list the server greylists whole would otherwise hold every
   * reader's message at once. What `build` needs is kept until `done`.
   */
  build(): SendMailOptions;
  /** The job is over (recorded, suppressed, or another worker's): never built again. */
  done?(): void;
  /**
   * The reason the reader was suppressed since the plan ('' without one), else undefined: asked
   * before every try, since a retry may come minutes after the first (a reader who unsubscribed,
   * bounced or complained meanwhile is not mailed by it).
   */
  suppressedSince?(): string | undefined;
  /**
   * As `suppressedSince`, after a fresh look where that costs microseconds (SQLite): asked by the
   * transport at the last moment before the message is handed over.
   */
  suppressedNow?(): string | undefined;
  /**
   * Whether this run may still send the message (with send workers: its lease is still this
   * worker's), asked before every try: a greylisted reader comes back minutes later, by when another
   * worker may have taken the reader over and mailed them. False: not tried, nothing recorded.
   */
  stillOurs?(): boolean;
  /** Tries made before this run took the job over (a greylisted reader handed back by a send worker). */
  resumed?: { attempts: number; greylists: number } | undefined;
}

export type JobOutcome =
  | { status: 'sent'; attempts: number; response: string }
  | { status: 'failed' | 'deferred'; attempts: number; failure: DeliveryFailure };

/** Where outcomes go: the ledger of the issue and channel (see DeliveryLedger in src/state/contract.ts). */
export interface LedgerWriter {
  recordMany(entries: readonly LedgerEntry[]): Promise<void> | void;
}

export interface RunOptions {
  transport: MailTransport;
  ledger: LedgerWriter | undefined;
  /** How rows are grouped into ledger writes; see recorder.ts. */
  batch?: Partial<RecorderOptions> | undefined;
  limiter: RateLimiter;
  concurrency: number;
  retries: number;
  retryBaseMs: number;
  signal?: AbortSignal | undefined;
  clock?: Clock;
  random?: () => number;
  /** This many identical permanent refusals in a row, with nothing accepted between, abort the run. */
  sameRefusalLimit?: number;
  /** Whether a message was accepted yet, shared by runs that make up one send (a worker's batches). */
  accepted?: { any: boolean };
  /** Only throttling replies and nothing accepted for this long stop the run (THROTTLED_OUT_MS). */
  throttledOutMs?: number;
  /** How long a greylisted reader waits before its next try (see greylist.ts). */
  greylistRetryMs?: number | undefined;
  /** The first reader the server greylisted in this run, with its reply. */
  onFirstGreylisted?: ((failure: DeliveryFailure, retryMs: number) => void) | undefined;
  /**
   * Takes a greylisted job off this run instead of its waiting here (send workers: back to the shared
   * plan, for any worker once `retryMs` has passed); the run then neither sends nor records it.
   */
  handBack?: ((job: SendJob, tries: { attempts: number; greylists: number }, retryMs: number) => void) | undefined;
  onOutcome?: (job: SendJob, outcome: JobOutcome) => void;
  /**
   * Reads the suppression list afresh, awaited once a message has its connection and before it is
   * asked whether its reader was suppressed (see LateSuppressions.confirm); never rejects.
   */
  confirmSuppressions?: (() => Promise<void>) | undefined;
  /** A job whose reader was suppressed before one of its tries: nothing sent, nothing recorded. */
  onSuppressed?: (job: SendJob, reason: string) => void;
}

/** A message the server accepted (or the outbox holds) whose ledger row could not be written. */
export interface Unrecorded {
  email: string;
  variantId: string;
  messageId: string;
}

export interface RunResult {
  /**
   * Why the run stopped before the end: the server could not be reached even after a message's
   * retries ran out. Jobs not yet started are left unrecorded, so the next run sends them.
   */
  stopped: string | undefined;
  /**
   * Why the run was aborted: the server refused the sender or the account, not a reader. The
   * refused messages are recorded deferred and the rest left unrecorded, so a later run sends them.
   * Or, starting with MESSAGES_REFUSED, it refused the first messages themselves and took none:
   * those are recorded failed (the next run goes past them), the rest as for a refused account.
   */
  aborted: string | undefined;
  /**
   * A local write failed: the ledger (full disk, I/O error) or an outbox file. No message started
   * after it; those already in flight were recorded when the ledger still took them, else listed.
   */
  halted?: { error: unknown; unrecorded: Unrecorded[] } | undefined;
  /** Readers the server greylisted (see greylist.ts), each counted once however many times. */
  greylisted: number;
}

export const SAME_REFUSAL_LIMIT = 5;

/** Throttling replies to one message that do not count against its retries (the pace slows instead). */
export const THROTTLED_ALLOWANCE = 10;

/**
 * Only throttling replies, and nothing accepted, for this long: the server is not slowing the run
 * down but refusing it for now (a daily or hourly quota reached). The run stops, the rest pending,
 * rather than spend hours of backed-off retries on every remaining message.
 */
export const THROTTLED_OUT_MS = 15 * 60_000;

/** When the run's throttling replies began, with nothing accepted since; shared by its workers. */
interface ThrottleWatch {
  since: number | undefined;
}

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
 * `sameRefusalLimit` identical permanent refusals in a row, aborts the run: marking every reader
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
  // Permanent refusals with the same reply, held back until an acceptance or another reply shows
  // they were about their readers after all (then: failed), or the run is aborted (then: deferred).
  let streak: { key: string; items: { job: SendJob; outcome: JobOutcome & { status: 'failed' } }[] } | undefined;
  // Refusals of the messages themselves fail their readers and the run goes on, but `limit` of them
  // before any message was accepted say the server refuses the issue itself: going on would mark the
  // whole list failed. Those readers stay failed, so the next run does not stop at them again.
  const accepted = options.accepted ?? { any: false };
  let refusedBeforeAny = 0;

  const permits = createPermits(Math.max(1, options.concurrency), () => recorder.flush());
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
  const releaseStreak = (as: 'failed' | 'deferred'): Promise<unknown> => {
    const items = streak?.items ?? [];
    streak = undefined;
    return Promise.all(
      items.map(({ job, outcome }) => settle(job, as === 'failed' ? outcome : { ...outcome, status: 'deferred' })),
    );
  };
  const abortRun = (reason: string): Promise<unknown> => {
    aborted ??= reason;
    halt.abort();
    return releaseStreak('deferred');
  };
  const iterator = jobs[Symbol.iterator]();
  // Greylisted readers wait here for their next try, holding no worker; taken first once due.
  const later = createLaterQueue<Task & { failure: DeliveryFailure }>(options.clock ?? systemClock);
  const greylisted = new Set<string>();
  const next = async (): Promise<Task | undefined> => {
    if (signal.aborted) return undefined;
    const due = later.takeDue();
    if (due) return due;
    const item = iterator.next();
    return item.done ? later.waitNext(signal) : { job: item.value, ...item.value.resumed };
  };
  // Two workers per connection: while one waits for the server's reply, the other builds and
  // encodes the next message, so no connection idles. Only `concurrency` are ever on the wire.
  const workers = Array.from({ length: Math.max(1, options.concurrency) * 2 }, async () => {
    try {
      for (let task = await next(); task; task = await next()) {
        const { job } = task;
        const delivered = await deliver(task, inner, slots, permits, watch);
        if (!delivered) return;
        if ('later' in delivered) {
          const retryMs = options.greylistRetryMs ?? DEFAULT_GREYLIST_RETRY_MS;
          if (greylisted.size === 0) options.onFirstGreylisted?.(delivered.failure, retryMs);
          greylisted.add(job.email);
          const { attempts = 0, greylists = 0 } = delivered.later;
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
          const released = key === undefined || key !== streak?.key ? releaseStreak('failed') : undefined;
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
          streak ??= { key, items: [] };
          streak.items.push({ job, outcome: { ...outcome, status: 'failed' } });
          if (streak.items.length >= limit)
            await abortRun(`${limit} messages in a row refused with the same reply: ${outcome.failure.response}`);
          await released;
          continue;
        }
        if (outcome.status === 'sent') {
          accepted.any = true;
          const released = releaseStreak('failed');
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
  await Promise.all(workers);
  // Greylisted readers whose time had not come when the run stopped: the next run tries them.
  for (const { job, attempts, failure } of later.drain())
    await settle(job, { status: 'deferred', attempts: attempts ?? 0, failure });
  if (crash) {
    await recorder.drain();
    throw crash.error;
  }
  await releaseStreak('failed');
  await recorder.drain();
  return { stopped, aborted, halted, greylisted: greylisted.size };
}

/** An outcome; a sent one holds a slot or a commit permit until `release`, after its row is committed. */
interface Delivered {
  outcome: JobOutcome;
  release(): void;
}

/** A job not tried (again): its reader was suppressed meanwhile, for this reason ('' without one). */
interface Suppressed {
  suppressed: string;
}

/** A job no longer this run's to send (see SendJob.stillOurs): not tried, nothing recorded. */
interface NotOurs {
  notOurs: true;
}

/** A job, and where its tries stand when it comes back after greylisting (its message built again then). */
interface Task {
  job: SendJob;
  attempts?: number;
  throttledAttempts?: number;
  greylists?: number;
}

/** A job greylisted: it waits its turn in the later queue, then goes on from `later`. */
interface Greylisted {
  later: Task;
  failure: DeliveryFailure;
}

const NOTHING_HELD = () => {};

/**
 * One job with its retries; undefined when the run was aborted before it started, or when its end
 * of data was withheld after a failed ledger write (never completed: the next run sends it).
 */
async function deliver(
  task: Task,
  options: RunOptions,
  slots: Slots,
  permits: Permits,
  watch: ThrottleWatch,
): Promise<Delivered | Suppressed | Greylisted | NotOurs | undefined> {
  const { job } = task;
  const clock = options.clock ?? systemClock;
  let mail: SendMailOptions;
  try {
    mail = job.build();
  } catch (error) {
    return holdingNothing({ status: 'failed', attempts: 0, failure: classifyFailure(error) });
  }
  let throttledAttempts = task.throttledAttempts ?? 0;
  const greylists = task.greylists ?? 0;
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
    if (options.confirmSuppressions) await options.confirmSuppressions();
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
    try {
      // Asked again by the transport right before the message goes out: it may have waited for a connection.
      const { response } = await options.transport.send(mail, {
        request: (go) => gate.request(go),
        stillWanted: () => (job.suppressedNow ?? job.suppressedSince)?.() === undefined && job.stillOurs?.() !== false,
        confirm: options.confirmSuppressions,
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
      if ((error as { code?: unknown } | null)?.code === MESSAGE_WITHDRAWN) {
        // As the transport was told: a suppression only journaled yet is known to `suppressedNow`.
        const reason = (job.suppressedNow ?? job.suppressedSince)?.();
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

/** An outcome that holds neither a slot nor a permit. */
function holdingNothing(outcome: JobOutcome): Delivered {
  return { outcome, release: NOTHING_HELD };
}

function rowOf(job: SendJob, outcome: JobOutcome): LedgerEntry {
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

function interruptedFailure(): DeliveryFailure {
  return {
    kind: 'temporary',
    responseCode: undefined,
    response: 'interrupted before the retry',
    noReply: false,
    accountLevel: false,
  };
}
