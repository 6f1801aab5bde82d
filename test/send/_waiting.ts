import type { ChildProcess } from 'node:child_process';

/** Polls `condition` every `stepMs` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 30_000, stepMs = 5): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Kills (SIGKILL) the CLI processes a test started that are still running, and forgets them all. */
export function stopChildren(children: ChildProcess[]): void {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** How long an occasion is waited for before the test fails naming it: far past any loaded machine's run. */
const OCCASION_BOUND_MS = 90_000;

/**
 * A promise the test settles itself, when what it stands for has happened. One that never happens
 * (the send died early, the server never got that far) rejects after `boundMs`, naming `what`,
 * rather than holding the test to its own timeout with no word of what it waited for.
 */
export function occasion(what: string, boundMs = OCCASION_BOUND_MS): { happened: () => void; done: Promise<void> } {
  let happened!: () => void;
  const done = new Promise<void>((resolve, reject) => {
    const bound = setTimeout(() => reject(new Error(`never happened within ${boundMs / 1000} s: ${what}`)), boundMs);
    bound.unref();
    happened = () => {
      clearTimeout(bound);
      resolve();
    };
  });
  // Observed here: a test that no longer awaits it (it failed elsewhere first) leaves no unhandled rejection.
  done.catch(() => {});
  return { happened, done };
}

/**
 * Waits for `done`, failing at once with the run's own error (or its early end) when `running`
 * settles first: a send that dies before the awaited moment is reported as such, not as a hang.
 */
export async function whileRunning(done: Promise<void>, running: Promise<unknown>, what: string): Promise<void> {
  let settled = false;
  await Promise.race([
    done.then(() => {
      settled = true;
    }),
    running.then(
      () => {
        if (!settled) throw new Error(`the run ended before ${what}`);
      },
      (error: unknown) => {
        if (!settled) throw error;
      },
    ),
  ]);
}

/**
 * A server's `onAccepted` that settles `reached` once it took `count` messages: a test then acts at
 * that message, however slowly the machine runs, instead of polling the count.
 */
export function acceptedAt(
  count: number,
  boundMs = OCCASION_BOUND_MS,
): {
  onAccepted: (to: string[], accepted: number) => void;
  reached: Promise<void>;
} {
  const taken = occasion(`the server's acceptance of message ${count}`, boundMs);
  return { onAccepted: (_to, accepted) => accepted >= count && taken.happened(), reached: taken.done };
}
