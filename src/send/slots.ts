/**
 * At most `size` messages handed to the transport, one per connection: the pool never holds a
 * queue of messages that would still go out after the run has been told to stop. A message sent
 * without a commit permit keeps its slot until its ledger row is committed.
 */
export function createSlots(size: number) {
  let free = size;
  const waiting: { signal: AbortSignal | undefined; resolve(granted: boolean): void }[] = [];
  // One listener a signal while any message waits with it: the run's two workers a connection wait
  // before nearly every message, and adding and removing one each time cost a send more than the
  // wait itself. Taken off once none waits, so a run that ended leaves nothing on a longer-lived signal.
  const listeners = new Map<AbortSignal, { count: number; onAbort(): void }>();
  const turnAway = (signal: AbortSignal) => {
    listeners.delete(signal);
    for (let i = waiting.length - 1; i >= 0; i--)
      if (waiting[i]!.signal === signal) waiting.splice(i, 1)[0]!.resolve(false);
  };
  const wait = (signal: AbortSignal) => {
    const listener = listeners.get(signal);
    if (listener) return void listener.count++;
    const onAbort = () => turnAway(signal);
    listeners.set(signal, { count: 1, onAbort });
    signal.addEventListener('abort', onAbort, { once: true });
  };
  const granted = (signal: AbortSignal) => {
    const listener = listeners.get(signal)!;
    if (--listener.count > 0) return;
    listeners.delete(signal);
    signal.removeEventListener('abort', listener.onAbort);
  };
  return {
    acquire(signal: AbortSignal | undefined): Promise<boolean> {
      if (signal?.aborted) return Promise.resolve(false);
      if (free > 0) {
        free--;
        return Promise.resolve(true);
      }
      if (signal) wait(signal);
      return new Promise((resolve) => waiting.push({ signal, resolve }));
    },
    release() {
      const next = waiting.shift();
      if (!next) {
        free++;
        return;
      }
      if (next.signal) granted(next.signal);
      next.resolve(true);
    },
  };
}

export type Slots = ReturnType<typeof createSlots>;
