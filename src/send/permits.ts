/**
 * Commit permits: SMTP hands a message to the server only with the final "<CRLF>.<CRLF>" (RFC 5321
 * 4.1.1.4), so a connection may send the next message's envelope and body while the previous row
 * is still being committed, and hold back only that terminating dot. A permit is taken when the dot
 * is about to be written and given back once the message's row is committed (or the message failed),
 * so at most `size` messages — as many as there are connections — are ever with the server but not in the ledger.
 * After a failed ledger write no permit is granted again: a message waiting at its dot is abandoned.
 */
export interface Permits {
  /** `go(true)` now (synchronously) when a permit is free or later when one is given back; `go(false)` once refused. */
  request(go: (granted: boolean) => void): void;
  release(): void;
  /** A ledger write failed: those waiting are refused, and every later request too. */
  refuseAll(): void;
  /** Whether a connection waits at its dot: the rows holding the permits should be written now. */
  readonly starved: boolean;
}

export function createPermits(size: number, onStarved: () => void): Permits {
  let free = Math.max(1, size);
  let refused = false;
  const waiting: ((granted: boolean) => void)[] = [];
  return {
    request(go) {
      if (refused) return go(false);
      if (free > 0) {
        free--;
        return go(true);
      }
      waiting.push(go);
      onStarved();
    },
    release() {
      const next = refused ? undefined : waiting.shift();
      if (next) next(true);
      else free++;
    },
    refuseAll() {
      refused = true;
      for (const go of waiting.splice(0)) go(false);
    },
    get starved() {
      return waiting.length > 0;
    },
  };
}

/**
 * Permits shared by runs that overlap over the same connections (a worker's batches: the next one
 * starts while the last messages of the current one are on the wire), so the bound holds over all
 * of them. A connection waiting at its dot may wait for a row of any of those runs: each run joins
 * with the flush of its own rows, and leaves once its rows are written.
 */
export interface SharedPermits extends Permits {
  join(flush: () => void): () => void;
}

export function createSharedPermits(size: number): SharedPermits {
  const flushes = new Set<() => void>();
  const permits = createPermits(size, () => {
    for (const flush of flushes) flush();
  });
  return Object.assign(permits, {
    join(flush: () => void) {
      flushes.add(flush);
      return () => void flushes.delete(flush);
    },
  });
}

/** What a transport asks before writing a message's terminating dot (see DotGate in wire/pool.ts). */
export interface MessageGate {
  request(go: (granted: boolean) => void): void;
  /** The transport asked: this message held (or waited for) a permit rather than a connection slot. */
  readonly used: boolean;
  /** The permit was refused: the message was withheld and never completed. */
  readonly refused: boolean;
  /** The row is committed or the message failed: its permit (held or still coming) goes back. */
  done(): void;
}

/** One attempt's gate: asked at most once, and every permit it gets is given back exactly once. */
export function messageGate(permits: Permits): MessageGate {
  let state: 'unused' | 'waiting' | 'held' | 'refused' | 'done' = 'unused';
  return {
    request(go) {
      if (state !== 'unused') return go(state === 'held');
      state = 'waiting';
      permits.request((granted) => {
        if (state === 'done') {
          if (granted) permits.release();
          return;
        }
        state = granted ? 'held' : 'refused';
        go(granted);
      });
    },
    get used() {
      return state !== 'unused';
    },
    get refused() {
      return state === 'refused';
    },
    done() {
      if (state === 'held') permits.release();
      if (state !== 'refused') state = 'done';
    },
  };
}
