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

export function integerOption(args: ParsedArgs, name: string): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new RolecastError('E_USAGE', `--${name} must be a whole number, got "${raw}"`);
  return value;
}

/** Prints every problem, errors and warnings, one line each. */
export function printProblems(stream: NodeJS.WritableStream, problems: readonly Problem[]): void {
  for (const problem of problems) print(stream, formatProblem(problem));
}
