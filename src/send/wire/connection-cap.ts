import { isConnectionLimitError } from './connection-limit.js';

/**
 * What the pool does when the server says the account has too many connections open: the lane that
 * heard it is closed and left out (never the last), so the run goes on over fewer. Other clients of
 * the account may leave, so after a while with no such reply one lane comes back (additive
 * increase); a server still at its limit says so again, and that lane is out again.
 */

export interface CappableLane {
  /** The server said the account has too many connections: out until brought back. */
  capped?: boolean;
  /** Out of use (capped, or turned away at its greeting for a while). */
  retired?: boolean;
  back?: NodeJS.Timeout | undefined;
  /** A message has it. */
  held?: boolean;
}

export interface ConnectionCapEvents {
  /** The server said the account has too many connections open (`reply`): `connections` are left. */
  connectionsCapped?: (connections: number, reply: string) => void;
  /** No such reply for a while: one more connection is tried, `connections` in all. */
  connectionsRaised?: (connections: number) => void;
}

/** How long without a reply about connections before one more is tried. */
export const CAP_RAISE_MS = 5 * 60_000;

export interface ConnectionCap<L> {
  /** Whether `error` capped the lane (closed and left out); false when it is no such reply, or the lane is the last. */
  cap(lane: L, error: unknown): boolean;
  close(): void;
}

export function createConnectionCap<L extends CappableLane>(pool: {
  lanes: readonly L[];
  /** Takes the lane out of the free list, closes its connection. */
  takeOut(lane: L): void;
  /** Hands the lane to the next message waiting, or back to the free list. */
  release(lane: L): void;
  isClosed(): boolean;
  raiseMs: number;
  events: ConnectionCapEvents;
}): ConnectionCap<L> {
  let timer: NodeJS.Timeout | undefined;
  const usable = () => pool.lanes.filter((lane) => !lane.capped).length;
  // Every reply about connections starts the wait again: only a quiet while brings one back.
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(raise, pool.raiseMs);
    timer.unref?.();
  };
  const raise = () => {
    timer = undefined;
    const lane = pool.lanes.find((other) => other.capped);
    if (pool.isClosed() || !lane) return;
    lane.capped = false;
    lane.retired = false;
    // A message still holding it gives it back itself.
    if (!lane.held) pool.release(lane);
    pool.events.connectionsRaised?.(usable());
    if (pool.lanes.some((other) => other.capped)) schedule();
  };
  return {
    cap(lane, error) {
      if (pool.isClosed() || !isConnectionLimitError(error)) return false;
      if (lane.capped) return true;
      const left = pool.lanes.filter((other) => !other.retired).length - (lane.retired ? 0 : 1);
      if (left < 1) return false;
      lane.capped = true;
      lane.retired = true;
      clearTimeout(lane.back);
      lane.back = undefined;
      // Closed, not kept: the server counts it against the account until it goes.
      pool.takeOut(lane);
      schedule();
      pool.events.connectionsCapped?.(usable(), String((error as { response?: unknown }).response ?? ''));
      return true;
    },
    close() {
      clearTimeout(timer);
    },
  };
}
