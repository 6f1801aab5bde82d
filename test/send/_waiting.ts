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

/** A promise the test settles itself, when what it stands for has happened. */
export function occasion(): { happened: () => void; done: Promise<void> } {
  let happened!: () => void;
  const done = new Promise<void>((resolve) => {
    happened = resolve;
  });
  return { happened, done };
}

/**
 * A server's `onAccepted` that settles `reached` once it took `count` messages: a test then acts at
 * that message, however slowly the machine runs, instead of polling the count.
 */
export function acceptedAt(count: number): {
  onAccepted: (to: string[], accepted: number) => void;
  reached: Promise<void>;
} {
  const taken = occasion();
  return { onAccepted: (_to, accepted) => accepted >= count && taken.happened(), reached: taken.done };
}
