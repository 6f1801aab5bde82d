import { EXIT, RolecastError } from '../errors.js';
import type { Wave } from './plan.js';
import type { WaveStatus } from './store.js';

/** The stored waves the runner reads and marks: the state contract's, or the SQLite file's directly. */
export interface RunnerWaveStore {
  register(waves: readonly Wave[]): Map<string, WaveStatus> | Promise<Map<string, WaveStatus>>;
  mark(waveUtc: string, status: WaveStatus, detail?: string): void | Promise<void>;
}

/**
 * Runs a stored plan: waits for each wave and sends it. The clock and the sleep are injected, so
 * tests move time by hand and a real run uses `Date` and timers.
 *
 * Lateness rule: a wave whose time passed while nothing was running (the process was down, or the
 * machine asleep) is sent at once only within the grace window; beyond it the wave is reported as
 * missed and left unsent, unless `sendMissed`. Time this run spent sending earlier waves does not
 * count as lateness: a wave that fell due during a long send goes out right after it. A wave that
 * already started (cut short, or left with deferred messages) is finished whatever the time: part
 * of its readers have it, and the grace window is about whether to start, not whether to finish.
 */

/** `incomplete`: sent, but some messages were deferred; the wave stays open so a rerun retries them. */
export type WaveOutcome = 'sent' | 'incomplete' | 'already-sent' | 'missed';

export type ScheduleEvent =
  | { type: 'waiting'; wave: Wave; waitMs: number }
  | { type: 'sending'; wave: Wave; lateMs: number; resumed: boolean; joined?: number }
  | { type: 'sent'; wave: Wave }
  | { type: 'incomplete'; wave: Wave; detail: string }
  | { type: 'already-sent'; wave: Wave }
  | { type: 'missed'; wave: Wave; lateMs: number };

export interface WaveResult {
  complete: boolean;
  detail?: string;
  /** The wave was cut short and the schedule ends with this error; the wave stays open for a rerun. */
  stop?: Error;
}

export interface RunScheduleOptions {
  waves: readonly Wave[];
  store: RunnerWaveStore;
  now: () => Date;
  /** Resolves after `ms` or as soon as `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Resolve with `{ complete: false }` when some messages are left for a rerun (e.g. deferred), and
   * add `stop` when the schedule must end there (interrupted, account refused). Throw only when
   * nothing of the wave went out (config, connection, lock): the wave then counts as not started.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a sender with nothing to report returns nothing
  sendWave: (wave: Wave, only?: readonly string[]) => Promise<void | WaveResult>;
  graceMs: number;
  sendMissed?: boolean;
  /**
   * For waves stored as sent, the addresses each holds now with no record of their message yet:
   * readers who joined its zone, or the list, after it went out. Such a wave is finished for them
   * alone, as one cut short is. Asked once, before the first wave.
   */
  unsent?: (waves: readonly Wave[]) => Promise<ReadonlyMap<string, readonly string[]>>;
  signal?: AbortSignal;
  /** Longest single sleep; the clock is read again after each, so a suspended machine is noticed. */
  maxSleepMs?: number;
  onEvent?: (event: ScheduleEvent) => void;
}

export interface ScheduleReport {
  waves: { wave: Wave; outcome: WaveOutcome; lateMs: number }[];
  sent: number;
  missed: number;
}

const DEFAULT_MAX_SLEEP_MS = 60_000;

export async function runSchedule(options: RunScheduleOptions): Promise<ScheduleReport> {
  const { store, now, signal } = options;
  const emit = options.onEvent ?? (() => {});
  const maxSleep = options.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS;
  const waves = [...options.waves].sort((a, b) => a.utcMs - b.utcMs);
  const statuses = await store.register(waves);
  const sent = waves.filter((wave) => statuses.get(wave.utc) === 'sent');
  const owed = sent.length > 0 && options.unsent ? await options.unsent(sent) : new Map<string, readonly string[]>();
  const report: ScheduleReport = { waves: [], sent: 0, missed: 0 };
  // When this run was busy sending: time spent there is not lateness, time before it (down) is.
  const busy: { from: number; to: number }[] = [];

  for (const wave of waves) {
    // A wave stored as sent went to the readers it had then; one who joined it since is still owed
    // the issue, and the ledger keeps those it reached from getting it twice.
    const status = statuses.get(wave.utc);
    const joined = status === 'sent' ? (owed.get(wave.utc) ?? []) : [];
    if (status === 'sent' && joined.length === 0) {
      emit({ type: 'already-sent', wave });
      report.waves.push({ wave, outcome: 'already-sent', lateMs: 0 });
      continue;
    }
    let current = now().getTime();
    let announced = false;
    while (current < wave.utcMs) {
      throwIfAborted(signal);
      const waitMs = wave.utcMs - current;
      if (!announced) emit({ type: 'waiting', wave, waitMs });
      announced = true;
      await options.sleep(Math.min(waitMs, maxSleep), signal);
      throwIfAborted(signal);
      current = now().getTime();
    }
    throwIfAborted(signal);
    const lateMs = lateness(wave.utcMs, current, busy);
    const resumed = status === 'sending' || status === 'failed' || joined.length > 0;
    // A wave this run waited for is late only by the timer's overshoot (or a machine that slept
    // through it): within a minute that is not a wave missed, even with a grace of 0.
    const slackMs = announced ? WAITED_SLACK_MS : 0;
    if (lateMs > options.graceMs + slackMs && !options.sendMissed && !resumed) {
      await store.mark(wave.utc, 'missed', `${Math.round(lateMs / 60_000)} min late`);
      emit({ type: 'missed', wave, lateMs });
      report.waves.push({ wave, outcome: 'missed', lateMs });
      report.missed++;
      continue;
    }
    emit(
      joined.length > 0
        ? { type: 'sending', wave, lateMs, resumed, joined: joined.length }
        : { type: 'sending', wave, lateMs, resumed },
    );
    await store.mark(wave.utc, 'sending');
    let result: Awaited<ReturnType<RunScheduleOptions['sendWave']>>;
    const sendingFrom = now().getTime();
    try {
      result = await options.sendWave(wave, joined.length > 0 ? joined : undefined);
    } catch (error) {
      // Nothing of it went out this time: it is as started as it was before (so the grace window
      // still applies to a wave that never got going).
      await markAfterError(() =>
        store.mark(wave.utc, resumed ? 'failed' : 'pending', error instanceof Error ? error.message : String(error)),
      );
      throw error;
    }
    busy.push({ from: sendingFrom, to: now().getTime() });
    report.sent++;
    if (result && !result.complete) {
      const detail = result.detail ?? 'some messages were not delivered';
      // `failed` marks a wave started and not finished: a later run finishes it whatever the time.
      // Said before the mark, which a full disk may refuse: the messages left over are reported all the same.
      emit({ type: 'incomplete', wave, detail });
      report.waves.push({ wave, outcome: 'incomplete', lateMs });
      if (result.stop) await markAfterError(() => store.mark(wave.utc, 'failed', detail));
      else await markAfterSending(wave, () => store.mark(wave.utc, 'failed', detail), detail);
      if (result.stop) throw result.stop;
      continue;
    }
    // Its messages are in the ledger already: said before the mark, which a full disk may refuse.
    emit({ type: 'sent', wave });
    report.waves.push({ wave, outcome: 'sent', lateMs });
    await markAfterSending(wave, () => store.mark(wave.utc, 'sent'));
  }
  return report;
}

/** How late a wave this run waited for may go out without counting as missed. */
const WAITED_SLACK_MS = 60_000;

/** How late a wave is at `current`, not counting the time this run spent sending other waves. */
function lateness(dueMs: number, current: number, busy: readonly { from: number; to: number }[]): number {
  let late = Math.max(0, current - dueMs);
  for (const { from, to } of busy) late -= Math.max(0, Math.min(to, current) - Math.max(from, dueMs));
  return Math.max(0, late);
}

/** A wave's mark after the error that ends the run: on a full disk it fails too, and must not replace that error. */
async function markAfterError(mark: () => unknown): Promise<void> {
  try {
    await mark();
  } catch {
    // The error being thrown says what happened; a wave left `sending` is resumed as started.
  }
}

/**
 * A wave's mark once its messages went out: when the state refuses it (a full disk), the run stops
 * before any later wave, saying the wave went out and that running again mails nobody twice.
 */
async function markAfterSending(wave: Wave, mark: () => unknown, unsent?: string): Promise<void> {
  try {
    await mark();
  } catch (error) {
    const went = unsent
      ? `the wave at ${wave.utc} was sent but ${unsent} (what went out is recorded in the ledger)`
      : `the wave at ${wave.utc} went out (its messages are recorded in the ledger)`;
    throw new RolecastError(
      'E_STATE_WRITE',
      `${went}, but the schedule could not record it: ${error instanceof Error ? error.message : String(error)}; no later wave was sent`,
      {
        exitCode: EXIT.sendFailed,
        hint: `free some space (or make the state file writable) and run the same command again: the wave is finished as one already started${unsent ? ', its readers still owed retried' : ''}, so no reader recorded is mailed again, and the later waves follow`,
        cause: error,
      },
    );
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw new RolecastError('E_INTERRUPTED', 'the scheduled send was interrupted', {
    hint: 'run the same command again to resume: waves already sent are not sent again',
  });
}

/** A real sleep that ends early when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
