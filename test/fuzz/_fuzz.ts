import type fc from 'fast-check';
import { expect } from 'vitest';
import { type Problem, RolecastError } from '../../src/errors.js';

/**
 * Fuzz settings. `npm test` runs every property a fixed number of times with a fixed seed, so a
 * failure reproduces exactly. `ROLECAST_FUZZ_RUNS=5000` scales every property up (the spawned CLI
 * properties get a tenth of that) and picks a random seed; `ROLECAST_FUZZ_SEED` and
 * `ROLECAST_FUZZ_PATH` replay the seed and path fast-check prints with a counterexample.
 */
const env = process.env;
const longRuns = positiveInt(env.ROLECAST_FUZZ_RUNS);
export const LONG_MODE = longRuns !== undefined;
export const FUZZ_SEED =
  env.ROLECAST_FUZZ_SEED !== undefined && env.ROLECAST_FUZZ_SEED !== ''
    ? Number(env.ROLECAST_FUZZ_SEED)
    : LONG_MODE
      ? Math.floor(Math.random() * 2 ** 31)
      : 20_261_201;

/**
 * The pathological inputs that only size/depth limits and linear-time parsing can survive: JSON
 * nested far deeper than the depth limit, runs of tens of kilobytes of spaces or heading text,
 * thousands of roles. While true, generators stay below those triggers; set to false once the
 * limits are in, and the same properties then cover the hostile sizes too.
 */
export const AWAITING_LIMITS = false;

/**
 * Generous bound on the CPU time of one in-process case: catches super-linear blow-ups, not
 * slowness. CPU time rather than wall-clock, so a crowded machine does not fail it.
 */
export const CASE_CPU_MS = 5_000;

/** Parameters for one property: `defaultRuns` in `npm test`, scaled in long mode. */
export function fuzzParams<T>(defaultRuns: number, options: { spawned?: boolean } = {}): fc.Parameters<T> {
  const runs = LONG_MODE ? Math.max(1, Math.round((longRuns ?? 0) / (options.spawned ? 10 : 1))) : defaultRuns;
  const path = env.ROLECAST_FUZZ_PATH || undefined;
  return {
    numRuns: runs,
    seed: FUZZ_SEED,
    ...(path ? { path } : {}),
    // Shrinking a spawned CLI case starts hundreds of processes; the failing input is printed as is.
    ...(options.spawned ? { endOnFailure: true } : {}),
  };
}

/** A vitest timeout that grows with the number of runs in long mode. */
export function testTimeout(defaultRuns: number, msPerRun: number, options: { spawned?: boolean } = {}): number {
  const runs = fuzzParams(defaultRuns, options).numRuns ?? defaultRuns;
  return Math.max(60_000, runs * msPerRun * 3);
}

/** Every problem a loader reports must say where and what, so it can be printed as `file:line: field: message`. */
export function expectWellFormed(problems: readonly Problem[], context = ''): void {
  expect(Array.isArray(problems), context).toBe(true);
  for (const problem of problems) {
    expect(['error', 'warning'], `${context} severity`).toContain(problem.severity);
    expect(typeof problem.file === 'string' && problem.file.length > 0, `${context} file of ${show(problem)}`).toBe(
      true,
    );
    expect(
      typeof problem.message === 'string' && problem.message.trim().length > 0,
      `${context} message of ${show(problem)}`,
    ).toBe(true);
    if (problem.line !== undefined)
      expect(Number.isInteger(problem.line) && problem.line >= 1, `${context} line of ${show(problem)}`).toBe(true);
    if (problem.field !== undefined) expect(typeof problem.field, `${context} field`).toBe('string');
  }
}

/**
 * Runs a loader on one input: it may return, or throw a RolecastError carrying well-formed
 * problems; anything else (TypeError, RangeError, a JSON syntax error) is a bug and fails the case.
 * Also checks the time bound and that nothing leaked onto the shared prototypes.
 */
export async function wellBehaved<T>(run: () => T | Promise<T>): Promise<T | RolecastError> {
  const start = process.cpuUsage();
  let outcome: T | RolecastError;
  try {
    outcome = await run();
  } catch (error) {
    if (!(error instanceof RolecastError)) throw error;
    expect(error.message.length).toBeGreaterThan(0);
    expectWellFormed(error.problems);
    outcome = error;
  }
  const used = process.cpuUsage(start);
  const elapsed = (used.user + used.system) / 1000;
  expect(elapsed, `one case took ${Math.round(elapsed)} ms of CPU`).toBeLessThan(CASE_CPU_MS);
  expectNoPollution();
  return outcome;
}

const OBJECT_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
const ARRAY_KEYS = Object.getOwnPropertyNames(Array.prototype).sort();

export function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_KEYS);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(ARRAY_KEYS);
}

function show(problem: Problem): string {
  return JSON.stringify(problem);
}

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : undefined;
}
