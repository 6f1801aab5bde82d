import { formatProblem, type Problem, RolecastError } from '../errors.js';
import type { ParsedArgs } from './_command.js';
import { print } from './_command.js';

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function stringsOption(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

export function requirePositional(args: ParsedArgs, index: number, what: string, usage: string): string {
  const value = args.positionals[index];
  if (value === undefined) throw new RolecastError('E_USAGE', `missing ${what}`, { hint: `usage: ${usage}` });
  return value;
}

/** A whole number written in digits (no `1e3`, `0x10` or `-1`), at most `max`. */
export function integerOption(args: ParsedArgs, name: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw.trim());
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isSafeInteger(value))
    throw new RolecastError('E_USAGE', `--${name} must be a whole number, got "${raw}"`);
  if (value > max) throw new RolecastError('E_USAGE', `--${name} must be at most ${max}, got ${value}`);
  return value;
}

/** A TCP port; 0 asks the system for a free one. */
export function portOption(args: ParsedArgs): number | undefined {
  return integerOption(args, 'port', 65_535);
}

/** Prints every problem, errors and warnings, one line each. */
export function printProblems(stream: NodeJS.WritableStream, problems: readonly Problem[]): void {
  for (const problem of problems) print(stream, formatProblem(problem));
}
