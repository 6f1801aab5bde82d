import { RolecastError } from '../errors.js';
import type { StateStore } from '../state/contract.js';

/** How often a scheduled send waiting for its next wave looks at its state file. */
export const WAIT_CHECK_MS = 1000;

type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The wait between waves, looking at the state each second as a running send does (late-suppressions.ts):
 * the schedule holds the file open for hours, and the waves' ledger rows stay in its write-ahead log,
 * since a wave's own connection is not the last to close. A log deleted meanwhile (a clean-up) has
 * what it held put into the file at once, and the schedule stops, rather than losing those rows to a
 * kill before the next wave (whose readers the next run would then mail again). The unsubscribes
 * `serve` journaled are applied on the way; any other trouble with them is left to the next wave,
 * which applies them before it plans. `capped`: the real sleep, woken each second; an injected one
 * (tests) is handed the whole wait.
 */
export function watchedWait(sleep: Sleep, state: StateStore, capped: boolean): Sleep {
  return async (ms, signal) => {
    try {
      await state.suppressions.applyJournal();
    } catch (error) {
      if (error instanceof RolecastError && error.code === 'E_STATE_WRITE') throw error;
    }
    await sleep(capped ? Math.min(ms, WAIT_CHECK_MS) : ms, signal);
  };
}
