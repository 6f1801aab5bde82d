import { RolecastError } from '../errors.js';
import type { Suppressions } from '../state/contract.js';
import { suppressionIndex } from '../state/suppression-index.js';

/**
 * Suppressions written while a send runs: a reader who unsubscribes (one-click, the preferences
 * page, a reply to the mailto), bounces or complains, or whom someone suppresses by hand, is not
 * mailed by the send that was planned before. The list is asked again every `everyMs` in the
 * background (with the unsubscribes `serve` could only journal applied first), and besides right
 * before each message goes out:
 * - SQLite: `reasonNow` looks at the state file itself when another connection committed since it
 *   last looked (a counter read), and at the journal; a suppression committed, or an unsubscribe
 *   journaled, before that look stops the message.
 * - PostgreSQL: `confirm` asks the database and `reasonNow` knows its answer; a send awaits it once a
 *   message has its connection's turn, and the pool again once it has the connection itself when it
 *   waited for it, so a suppression committed before then stops the message.
 * A look right before a message that cannot be made (the database unreachable, the state file's
 * counter unreadable) never counts as "nobody new": the message is not started (see run.ts). On the
 * state file such a look is made again for a few seconds (`lookAgain`) before the run stops.
 */
export interface LateSuppressions {
  /** The reason an address was suppressed since the plan ('' without one), or undefined, as last known. */
  reason(email: string): string | undefined;
  /**
   * As `reason`, after a look at the state file where that costs microseconds (SQLite). Throws a
   * `LOOK_FAILED` error when that look cannot be made: the message must not start.
   */
  reasonNow(email: string): string | undefined;
  /**
   * Resolves once the list was read by a look that began after this call (looks under way are
   * shared); absent where `reasonNow` looks itself. A failed look is made again every
   * LOOK_RETRY_MS for up to `patienceMs` (a database restarting); then, or once the signal is
   * aborted (the watch's own, or the run's given here), rejects with a `LOOK_FAILED` error: the
   * message must not start.
   */
  confirm?: ((signal?: AbortSignal) => Promise<void>) | undefined;
  /**
   * After `reasonNow` threw: looks again as it does every INSTANT_LOOK_RETRY_MS for up to
   * `patienceMs` (INSTANT_LOOK_PATIENCE_MS by default), so one passing EMFILE or EIO does not stop
   * a long send. Resolves once a look succeeded; rejects with a `LOOK_FAILED` error after that, or
   * once the signal is aborted. Absent where `confirm` waits itself.
   */
  lookAgain?: ((email: string, signal?: AbortSignal) => Promise<void>) | undefined;
  /** How many addresses were suppressed since the plan, as far as the last check knows. */
  readonly known: number;
  stop(): void;
}

export const LATE_SUPPRESSION_CHECK_MS = 1000;

/** How long a send waits for the list to be readable again before a message (see send workers' outage patience). */
export const LOOK_PATIENCE_MS = 300_000;
const LOOK_RETRY_MS = 1000;

/** The same on the state file, whose looks fail only for a moment (a file descriptor short, a read retried). */
export const INSTANT_LOOK_PATIENCE_MS = 5000;
const INSTANT_LOOK_RETRY_MS = 50;

/**
 * The code of a look right before a message that could not be made: the message is not started,
 * since a reader who left meanwhile would be mailed; it stays unsent for the next run.
 */
export const LOOK_FAILED = 'ESUPPRESSIONLOOK';

export function lookFailed(cause: unknown): Error & { code: string } {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return Object.assign(new Error(`could not read the suppression list right before a message: ${reason}`, { cause }), {
    code: LOOK_FAILED,
  });
}

export function isLookFailed(error: unknown): error is Error & { code: string } {
  return (error as { code?: unknown } | null)?.code === LOOK_FAILED;
}

/** Where the list stands now: taken before the plan reads it, so nothing added between is missed. */
export async function suppressionCursor(suppressions: Suppressions): Promise<string> {
  return (await suppressions.addedSince(undefined)).cursor;
}

export function watchSuppressions(
  suppressions: Suppressions,
  cursor: string,
  options: {
    everyMs?: number;
    /** How long a message waits for a failed look to succeed (LOOK_PATIENCE_MS). */
    patienceMs?: number | undefined;
    /** Ends that wait at once (a stop, a lease lost). */
    signal?: AbortSignal | undefined;
    /**
     * Awaited after a look that succeeded only on a later try (send workers: the next heartbeat, so
     * a lease the wait outlasted is renewed, or found taken over, before the message starts).
     */
    afterOutage?: (() => Promise<void>) | undefined;
    log: (line: string) => void;
    /**
     * The state file is no longer the one opened (its log deleted, the file replaced): what the send
     * recorded was put back, and the list and the journal are read no more, so nothing may be sent now.
     */
    onStateLost?: (error: RolecastError) => void;
  },
): LateSuppressions {
  let at = cursor;
  // By address: a store may hand an entry back again (PostgreSQL does while an older transaction
  // stays open anywhere on its server), and the list must not grow with each tick.
  const byEmail = new Map<string, { email: string; reason: string | null }>();
  let index = suppressionIndex([]);
  let warned = false;
  const take = (next: { cursor: string; added: { email: string; reason: string | null }[] }) => {
    at = next.cursor;
    let fresh = false;
    for (const row of next.added) {
      if (byEmail.has(row.email)) continue;
      byEmail.set(row.email, row);
      fresh = true;
    }
    if (fresh) index = suppressionIndex([...byEmail.values()]);
  };
  const warn = (error: unknown) => {
    if (error instanceof RolecastError && error.code === 'E_STATE_WRITE') options.onStateLost?.(error);
    // The state file busy or full: asked again at the next tick; the plan's list still holds.
    if (!warned)
      options.log(
        `warning: could not read the suppression list again during the send: ${error instanceof Error ? error.message : String(error)}`,
      );
    warned = true;
  };
  // Resolves with the error of a failed look, undefined after a good one; never rejects.
  const look = async (): Promise<unknown> => {
    try {
      await suppressions.applyJournal();
      take(await suppressions.addedSince(at));
      return undefined;
    } catch (error) {
      warn(error);
      return error ?? new Error('the read failed');
    }
  };
  // One look at a time; a caller who comes while one is under way waits for the next, which begins
  // after it came and so sees what was committed before.
  let underWay: Promise<unknown> | undefined;
  let following: Promise<unknown> | undefined;
  const fresh = (): Promise<unknown> => {
    if (!underWay) {
      underWay = look().finally(() => {
        underWay = undefined;
      });
      return underWay;
    }
    following ??= underWay.then(() => {
      following = undefined;
      return fresh();
    });
    return following;
  };
  // Right before a message: what was known is not enough, as an unsubscribe committed before then
  // must stop it. A failed look is made again (the database may be restarting), never skipped.
  // A run that stopped meanwhile (another message's look, a ledger write, the server gone) ends the
  // wait at once: its messages not started stay unsent, and the run does not wait minutes to stop.
  const confirm = async (runSignal?: AbortSignal): Promise<void> => {
    const signal = eitherSignal(options.signal, runSignal);
    const tries = await retryLook(fresh, {
      retryMs: LOOK_RETRY_MS,
      patienceMs: options.patienceMs ?? LOOK_PATIENCE_MS,
      signal,
      fail: lookFailed,
    });
    if (tries > 1 && options.afterOutage) await untilAborted(options.afterOutage(), signal);
    // Its lease not known to be renewed, and the run stopping: not started.
    if (tries > 1 && signal?.aborted) throw lookFailed(new Error('the send stopped while it waited'));
  };
  const instant = suppressions.instant;
  // None yet: the first look reads what was committed between the cursor and then.
  let version: number | undefined;
  const lookNow = (): void => {
    if (!instant) return;
    try {
      const now = instant.version();
      if (now === version) return;
      take(instant.addedSince(at));
      version = now;
    } catch (error) {
      warn(error);
      throw lookFailed(error);
    }
  };
  const reason = (email: string) => (index.isSuppressed(email) ? (index.reason(email) ?? '') : undefined);
  const reasonNow = (email: string): string | undefined => {
    lookNow();
    const known = reason(email);
    if (known !== undefined) return known;
    // Journaled by `serve` (the state file took no writes), not yet applied: counted by its reason all the same.
    try {
      return instant?.journaled(email);
    } catch (error) {
      warn(error);
      throw lookFailed(error);
    }
  };
  const lookAgain = async (email: string, runSignal?: AbortSignal): Promise<void> => {
    const look = (): unknown => {
      try {
        reasonNow(email);
        return undefined;
      } catch (error) {
        if (!isLookFailed(error)) throw error;
        return error;
      }
    };
    await retryLook(look, {
      retryMs: INSTANT_LOOK_RETRY_MS,
      patienceMs: options.patienceMs ?? INSTANT_LOOK_PATIENCE_MS,
      signal: eitherSignal(options.signal, runSignal),
      fail: (failure) => failure,
    });
  };
  const timer = setInterval(() => void fresh(), options.everyMs ?? LATE_SUPPRESSION_CHECK_MS);
  timer.unref();
  return {
    reason,
    reasonNow,
    confirm: instant ? undefined : confirm,
    lookAgain: instant ? lookAgain : undefined,
    get known() {
      return byEmail.size;
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * Makes `look` (which resolves with what it failed with, or undefined) until it succeeds, every
 * `retryMs` for up to `patienceMs`; resolves with the number of looks made. Once the patience is
 * spent, or the signal aborted, throws `fail` of the last failure.
 */
async function retryLook(
  look: () => unknown,
  options: {
    retryMs: number;
    patienceMs: number;
    signal: AbortSignal | undefined;
    fail: (failure: unknown) => unknown;
  },
): Promise<number> {
  const { retryMs, patienceMs, signal } = options;
  const since = performance.now();
  for (let tries = 1; ; tries++) {
    const failure = await look();
    if (failure === undefined) return tries;
    if (signal?.aborted || performance.now() - since >= patienceMs) throw options.fail(failure);
    await pause(Math.min(retryMs, patienceMs), signal);
  }
}

/** The watch's own signal and the run's, either of which ends a wait. */
function eitherSignal(own: AbortSignal | undefined, run: AbortSignal | undefined): AbortSignal | undefined {
  return own && run ? AbortSignal.any([own, run]) : (run ?? own);
}

/** Waits `ms`, or less once the signal is aborted; never rejects. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Waits for `work`, or until the signal is aborted; never rejects. */
function untilAborted(work: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return work;
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    signal.addEventListener('abort', () => resolve(), { once: true });
    work.then(resolve, resolve);
  });
}
