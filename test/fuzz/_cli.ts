import { expect } from 'vitest';
import { type CliResult, runCli } from '../helpers/cli.js';

/**
 * Memory and time bound for one spawned CLI case: a blow-up is a crash or a kill, never a hang.
 * The time bound is wall-clock on a possibly crowded machine, so it only catches hangs.
 */
export const CLI_HEAP_MB = 256;
export const CLI_TIMEOUT_MS = 120_000;

export function runBoundedCli(args: string[], cwd: string): Promise<CliResult> {
  return runCli(args, {
    cwd,
    env: { NODE_OPTIONS: `--max-old-space-size=${CLI_HEAP_MB}`, NO_COLOR: '1' },
    timeoutMs: CLI_TIMEOUT_MS,
  });
}

/** Exit 0, 2 or 3 with no stack trace: exit 1, a signal (timeout, out of memory) or a stack fails. */
export function expectCleanExit(result: CliResult, input: unknown): void {
  const context = `input ${JSON.stringify(input).slice(0, 2_000)}\nexit ${result.code} signal ${result.signal}\nstderr:\n${result.stderr.slice(0, 4_000)}`;
  expect([0, 2, 3], context).toContain(result.code);
  expect(result.stderr, context).not.toContain('\n    at ');
  expect(result.stderr, context).not.toContain('this is a bug');
  // Process warnings print raw input outside the problem list (and can carry a stack).
  expect(result.stderr, context).not.toMatch(/\(node:\d+\) /);
}
