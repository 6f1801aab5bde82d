import type { SendQueue } from '../../state/postgres/queue.js';

/** Heartbeats every third of a lease; a beat still running is not doubled. */
export function startHeartbeat(
  queue: Pick<SendQueue, 'heartbeat'>,
  leaseMs: number,
  log: (line: string) => void,
  snapshot: () => Set<number>,
  onBeat: (before: Set<number>, held: Set<number>, liveWorkers: number, startedAt: number) => void,
  clock: () => number,
) {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  let warned = false;
  const beat = async () => {
    try {
      const before = snapshot();
      const startedAt = clock();
      const { held, liveWorkers } = await queue.heartbeat();
      onBeat(before, held, liveWorkers, startedAt);
      warned = false;
    } catch (error) {
      if (!warned) log(`warning: heartbeat failed (${errorMessage(error)}); leases run out if it keeps failing`);
      warned = true;
    }
  };
  const timer = setInterval(
    () => {
      if (busy) return;
      busy = true;
      running = beat().finally(() => {
        busy = false;
      });
    },
    Math.max(10, Math.floor(leaseMs / 3)),
  );
  return {
    first: beat(),
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
