import { printable } from './printable.js';

/**
 * One error type for everything rolecast reports to a human: a stable code, the exit code the CLI
 * should use, and a hint that says what to do. Validation problems are collected, never thrown one
 * at a time, so an editor sees every mistake in one run.
 */

/**
 * What running a send again does, said after the advice to run it again. A command that is no send
 * says what its own run again does (see `stateUseError`).
 */
export const SEND_AGAIN = 'messages recorded as sent are not sent again';

export const EXIT = {
  ok: 0,
  bug: 1,
  invalidInput: 2,
  sendFailed: 3,
  interrupted: 130,
} as const;

/** The catalogue of error codes, each with what it means. */
export const ERROR_CODES = {
  E_INVALID: 'Content, config or subscribers failed validation.',
  E_USAGE: 'The command line is incomplete or contradictory.',
  E_NOT_FOUND: 'A file or folder named on the command line or in a manifest does not exist.',
  E_TEMPLATE: 'A template failed to compile.',
  E_SIZE: 'A rendered message is larger than the clip limit.',
  E_SMTP_AUTH: 'The SMTP server refused the credentials.',
  E_SMTP_CONNECT: 'The SMTP server could not be reached.',
  E_LOCKED:
    'Another send of the same issue, another build into the same folder, or (after a wait) another new of the same issues folder is running.',
  E_STATE_DAMAGED: 'The state file is corrupt, truncated, unreadable or not a rolecast state file.',
  E_STATE_NEWER:
    'The state file or database was written by a newer release of rolecast, whose records this one may not read.',
  E_STATE_RESTORED:
    'The state file is an older copy of itself (put back from a backup): readers recorded since would be mailed again.',
  E_STATE_MISSING:
    'The state file is gone from where one holding records was: a new one would mail every reader already sent an issue again.',
  E_STATE_UNAVAILABLE: 'The shared database (DATABASE_URL) could not be reached.',
  E_STATE_DENIED: 'The shared database (DATABASE_URL) does not let its role create or use rolecast’s tables.',
  E_STATE_WRITE: 'The state file could not be written (full disk, I/O error): sending stopped.',
  E_PORT_IN_USE: 'The requested port is already in use.',
  E_INTERRUPTED: 'The run was interrupted by a signal.',
  E_SEND_FAILED: 'Some messages could not be delivered.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export type Severity = 'error' | 'warning';

/** One problem found in an input file, pointing at the place to fix. */
export interface Problem {
  severity: Severity;
  file: string;
  line?: number;
  field?: string;
  message: string;
  hint?: string;
}

export class RolecastError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint: string | undefined;
  readonly problems: Problem[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; exitCode?: number; problems?: Problem[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RolecastError';
    this.code = code;
    this.hint = options.hint;
    this.problems = options.problems ?? [];
    this.exitCode = options.exitCode ?? defaultExitCode(code);
  }
}

function defaultExitCode(code: ErrorCode): number {
  if (code === 'E_INTERRUPTED') return EXIT.interrupted;
  if (code === 'E_SEND_FAILED') return EXIT.sendFailed;
  return EXIT.invalidInput;
}

/** `file:line: field: message — hint`, the one format every problem is printed in. */
export function formatProblem(problem: Problem): string {
  // Every part can quote content (a file name, a role, a value): control characters are made visible.
  const file = printable(problem.file);
  const where = problem.line === undefined ? file : `${file}:${problem.line}`;
  const field = problem.field ? ` ${printable(problem.field)}:` : '';
  const prefix = problem.severity === 'warning' ? ' warning:' : '';
  const hint = problem.hint ? ` — ${printable(problem.hint)}` : '';
  return `${where}:${prefix}${field} ${printable(problem.message)}${hint}`;
}

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Throws one E_INVALID error carrying every error-level problem, if there are any. */
export function throwIfErrors(problems: readonly Problem[], what: string): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return;
  throw new RolecastError('E_INVALID', `${what}: ${errors.length} problem(s) found`, {
    problems: [...problems],
    hint: 'fix the problems listed above and run the command again',
  });
}
