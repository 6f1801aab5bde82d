/**
 * At most `size` messages handed to the transport, one per connection: the pool never holds a
 * queue of messages that would still go out after the run has been told to stop. A message sent
 * without a commit permit keeps its slot until its ledger row is committed.
 */
export function createSlots(size: number) {
  let free = size;
  const waiting: (() => void)[] = [];
  return {
    acquire(signal: AbortSignal | undefined): Promise<boolean> {
      if (signal?.aborted) return Promise.resolve(false);
      if (free > 0) {
        free--;
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        const onAbort = () => {
          waiting.splice(waiting.indexOf(grant), 1);
          resolve(false);
        };
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        };
        waiting.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

export type Slots = ReturnType<typeof createSlots>;
