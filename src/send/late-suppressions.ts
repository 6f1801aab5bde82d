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
 */
export interface LateSuppressions {
  /** The reason an address was suppressed since the plan ('' without one), or undefined, as last known. */
  reason(email: string): string | undefined;
  /** As `reason`, after a look at the state file where that costs microseconds (SQLite). */
  reasonNow(email: string): string | undefined;
  /**
   * Resolves once the list was read by a look that began after this call (looks under way are
   * shared); absent where `reasonNow` looks itself. Never rejects: a failed look leaves what was
   * known, with a warning.
   */
  confirm?: (() => Promise<void>) | undefined;
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
  const look = async () => {
    try {
      await suppressions.applyJournal();
      take(await suppressions.addedSince(at));
    } catch (error) {
      warn(error);
    }
  };
  // One look at a time; a caller who comes while one is under way waits for the next, which begins
  // after it came and so sees what was committed before.
  let underWay: Promise<void> | undefined;
  let following: Promise<void> | undefined;
  const fresh = (): Promise<void> => {
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
    }
  };
  const reason = (email: string) => (index.isSuppressed(email) ? (index.reason(email) ?? '') : undefined);
  const timer = setInterval(() => void fresh(), options.everyMs ?? LATE_SUPPRESSION_CHECK_MS);
  timer.unref();
  return {
    reason,
    reasonNow(email) {
      lookNow();
      const known = reason(email);
      if (known !== undefined) return known;
      // Journaled by `serve` (the state file took no writes), not yet applied: counted by its reason all the same.
      return instant?.journaled(email);
    },
    confirm: instant ? undefined : fresh,
    get known() {
      return byEmail.size;
    },
    stop: () => clearInterval(timer),
  };
}
