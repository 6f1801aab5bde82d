import { RolecastError } from '../errors.js';
import type { Suppressions } from '../state/contract.js';
import { suppressionIndex } from '../state/suppression-index.js';

/**
 * Suppressions written while a send runs: a reader who unsubscribes (one-click, the preferences
 * page, a reply to the mailto), bounces or complains, or whom someone suppresses by hand, is not
 * mailed by the send that was planned before. The list is asked again every `everyMs` in the
 * background (with the unsubscribes `serve` could only journal applied first); the send consults
 * what is known without waiting. A reader suppressed less than that long before their message
 * is built may still get it.
 */
export interface LateSuppressions {
  /** The reason an address was suppressed since the plan ('' without one), or undefined. */
  reason(email: string): string | undefined;
  /** How many addresses were suppressed since the plan, as far as the last check knows. */
  readonly known: number;
  stop(): void;
}

export const LATE_SUPPRESSION_CHECK_MS = 1000;

/** Where the list stands now: taken before the plan reads it, so nothing added between is missed. */
export async function suppressionCursor(suppressions: Suppressions): Promise<string> {
  return (await suppressions.addedSince(undefined)).cursor;
}

export function watchSuppressions(
  suppressions: Suppressions,
  cursor: string,
  options: {
    everyMs?: number;
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
  let asking = false;
  let warned = false;
  const ask = async () => {
    if (asking) return;
    asking = true;
    try {
      await suppressions.applyJournal();
      const next = await suppressions.addedSince(at);
      at = next.cursor;
      let fresh = false;
      for (const row of next.added) {
        if (byEmail.has(row.email)) continue;
        byEmail.set(row.email, row);
        fresh = true;
      }
      if (fresh) index = suppressionIndex([...byEmail.values()]);
    } catch (error) {
      if (error instanceof RolecastError && error.code === 'E_STATE_WRITE') options.onStateLost?.(error);
      // The state file busy or full: asked again at the next tick; the plan's list still holds.
      if (!warned)
        options.log(
          `warning: could not read the suppression list again during the send: ${error instanceof Error ? error.message : String(error)}`,
        );
      warned = true;
    } finally {
      asking = false;
    }
  };
  const timer = setInterval(() => void ask(), options.everyMs ?? LATE_SUPPRESSION_CHECK_MS);
  timer.unref();
  return {
    reason: (email) => (index.isSuppressed(email) ? (index.reason(email) ?? '') : undefined),
    get known() {
      return byEmail.size;
    },
    stop: () => clearInterval(timer),
  };
}
