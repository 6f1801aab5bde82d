import { formatProblem } from '../errors.js';
import type { ProjectOptions } from '../load/project.js';
import { printable } from '../printable.js';
import { buildSnapshot, type ReadySnapshot, type Snapshot } from './snapshot.js';
import { createWatcher } from './watch.js';

/**
 * Keeps one rendered snapshot of the project and rebuilds it when a watched file changes.
 * Changes are debounced (editors save several files at once, and some write a file twice), and
 * a change that arrives during a rebuild triggers exactly one more rebuild after it.
 */
export interface LiveProject {
  current(): Snapshot;
  /** The newest snapshot that rendered, shown beneath the errors while an edit is broken. */
  lastReady(): ReadySnapshot | undefined;
  close(): Promise<void>;
}

export interface LiveOptions {
  debounceMs: number;
  onRebuilt(snapshot: Snapshot): void;
  log(line: string): void;
}

export async function startLiveProject(project: ProjectOptions, options: LiveOptions): Promise<LiveProject> {
  let version = 0;
  let snapshot = await buildSnapshot(project, ++version);
  let lastReady = snapshot.ok ? snapshot : undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let dirty = false;
  let closed = false;
  const changed = new Set<string>();
  // A missing --state file is printed once, not at every render, until it is there.
  let stateNoted = false;

  const watcher = createWatcher(
    (file) => {
      if (closed) return;
      changed.add(file);
      clearTimeout(timer);
      timer = setTimeout(rebuild, options.debounceMs);
    },
    (message) => options.log(message),
  );
  report(snapshot);
  watcher.update(snapshot.watch);

  function report(next: Snapshot): void {
    if (next.ok) {
      const warnings = next.problems.length;
      options.log(
        `rendered ${next.variants.length} variant(s) in ${next.renderMs} ms (v${next.version}, ${warnings} warning(s))`,
      );
      // Said in the terminal too: it is where --state was typed.
      if (next.stateNote && !stateNoted) options.log(`  ${formatProblem(next.stateNote)}`);
      stateNoted = next.stateNote !== undefined;
    } else {
      options.log(`cannot render (v${next.version}): ${next.problems.length} problem(s)`);
      for (const problem of next.problems) options.log(`  ${formatProblem(problem)}`);
    }
  }

  function rebuild(): void {
    if (changed.size) options.log(`changed: ${[...changed].map(printable).join(', ')}`);
    changed.clear();
    if (running) {
      dirty = true;
      return;
    }
    running = (async () => {
      do {
        dirty = false;
        const next = await buildSnapshot(project, ++version);
        if (closed) return;
        snapshot = next;
        if (next.ok) lastReady = next;
        watcher.update(next.watch);
        report(next);
        options.onRebuilt(next);
      } while (dirty && !closed);
    })()
      .catch((error: unknown) => options.log(`rebuild failed — this is a bug: ${(error as Error).stack ?? error}`))
      .finally(() => {
        running = undefined;
      });
  }

  return {
    current: () => snapshot,
    lastReady: () => lastReady,
    async close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
      await running;
    },
  };
}
