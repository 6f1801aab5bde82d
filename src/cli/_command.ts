import type { ParseArgsConfig } from 'node:util';
import { printableLines } from '../printable.js';

/** What every command sees: where to print, and the process environment, injectable for tests. */
export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  /** Resolves when SIGINT/SIGTERM arrives; long-running commands race their work against it. */
  signal: AbortSignal;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  /** Returns the exit code. Throw RolecastError for anything a human must fix. */
  run(args: ParsedArgs, ctx: CommandContext): Promise<number>;
}

/** Writes a line; control characters that slipped into it are shown as escapes, never obeyed by the terminal. */
export function print(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${printableLines(line)}\n`);
}

/** Common options: every command accepts --config. */
export const CONFIG_OPTION: Options = { config: { type: 'string' } };
