import { RolecastError } from '../errors.js';
import type { Wave } from './plan.js';
import type { WaveStore } from './store.js';

/**
 * Runs a stored plan: waits for each wave and sends it. The clock and the sleep are injected, so
 * tests move time by hand and a real run uses `Date` and timers.
 *
 * Lateness rule: a wave whose time passed while nothing was running (the process was down, or the
 * machine asleep) is sent at once only within the grace window; beyond it the wave is reported as
 * missed and left unsent, unless `sendMissed`. Time this run spent sending earlier waves does not
 * count as lateness: a wave that fell due during a long send goes out right after it.
 */

/** `incomplete`: sent, but some messages were deferred; the wave stays open so a rerun retries them. */
export type WaveOutcome = 'sent' | 'incomplete' | 'already-sent' | 'missed';

export type ScheduleEvent =
  | { type: 'waiting'; wave: Wave; waitMs: number }
  | { type: 'sending'; wave: Wave; lateMs: number }
  | { type: 'sent'; wave: Wave }
  | { type: 'incomplete'; wave: Wave; detail: string }
  | { type: 'already-sent'; wave: Wave }
  | { type: 'missed'; wave: Wave; lateMs: number };

export interface RunScheduleOptions {
  waves: readonly Wave[];
  store: WaveStore;
  now: () => Date;
  /** Resolves after `ms` or as soon as `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Resolve with `{ complete: false }` when some messages are left for a rerun (e.g. deferred). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a sender with nothing to report returns nothing
  sendWave: (wave: Wave) => Promise<void | { complete: boolean; detail?: string }>;
  graceMs: number;
  sendMissed?: boolean;
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
  const statuses = store.register(waves);
  const report: ScheduleReport = { waves: [], sent: 0, missed: 0 };
  // When this run last finished sending; lateness is measured from here for waves that fell due meanwhile.
  let busyUntil: number | undefined;

  for (const wave of waves) {
    if (statuses.get(wave.utc) === 'sent') {
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
      // Woken on time: whatever lateness follows is not the process being down.
      busyUntil = undefined;
    }
    throwIfAborted(signal);
    const lateMs = Math.max(0, current - Math.max(wave.utcMs, busyUntil ?? Number.NEGATIVE_INFINITY));
    if (lateMs > options.graceMs && !options.sendMissed) {
      store.mark(wave.utc, 'missed', `${Math.round(lateMs / 60_000)} min late`);
      emit({ type: 'missed', wave, lateMs });
      report.waves.push({ wave, outcome: 'missed', lateMs });
      report.missed++;
      continue;
    }
    emit({ type: 'sending', wave, lateMs });
    store.mark(wave.utc, 'sending');
    let result: Awaited<ReturnType<RunScheduleOptions['sendWave']>>;
    try {
      result = await options.sendWave(wave);
    } catch (error) {
      store.mark(wave.utc, 'failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
    busyUntil = now().getTime();
    report.sent++;
    if (result && !result.complete) {
      const detail = result.detail ?? 'some messages were not delivered';
      store.mark(wave.utc, 'failed', detail);
      emit({ type: 'incomplete', wave, detail });
      report.waves.push({ wave, outcome: 'incomplete', lateMs });
      continue;
    }
    store.mark(wave.utc, 'sent');
    emit({ type: 'sent', wave });
    report.waves.push({ wave, outcome: 'sent', lateMs });
  }
  return report;
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
