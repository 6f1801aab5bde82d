import { parseArgs } from 'node:util';
import { EXIT, RolecastError } from '../errors.js';
import { printable } from '../printable.js';
import { closestWord } from '../suggest.js';
import { type Command, type CommandContext, type ParsedArgs, print } from './_command.js';
import { printProblems } from './_shared.js';
import { inputErrorFrom } from './_system-errors.js';
import { COMMAND_NAMES, loadAllCommands, loadCommand } from './commands/index.js';

export const VERSION = '0.1.0';

/** Runs one command line and returns the exit code; the only catch in the CLI lives here. */
export async function main(argv: string[], ctx: CommandContext, commands?: readonly Command[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // Asked for, help is the output; without a command it is the error message, on stderr.
    print(name ? ctx.stdout : ctx.stderr, helpText(commands ?? (await loadAllCommands())));
    return name ? EXIT.ok : EXIT.invalidInput;
  }
  if (name === '--version' || name === '-v') {
    print(ctx.stdout, VERSION);
    return EXIT.ok;
  }
  const command = commands ? commands.find((c) => c.name === name) : await loadCommand(name);
  if (!command) {
    print(ctx.stderr, `rolecast: unknown command "${printable(name)}"`);
    const closest = closestWord(name, commands?.map((c) => c.name) ?? COMMAND_NAMES);
    print(
      ctx.stderr,
      `${closest ? `did you mean "rolecast ${closest}"? ` : ''}run "rolecast --help" to see the commands`,
    );
    return EXIT.invalidInput;
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      print(ctx.stdout, `usage: ${command.usage}\n\n${command.summary}`);
      return EXIT.ok;
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new RolecastError('E_USAGE', usageMessage(error, command), { hint: `usage: ${command.usage}` });
    }
    return await command.run({ positionals: parsed.positionals, values: parsed.values as ParsedArgs['values'] }, ctx);
  } catch (caught) {
    const error = inputErrorFrom(caught) ?? caught;
    if (error instanceof RolecastError) {
      printProblems(ctx.stderr, error.problems);
      print(ctx.stderr, `rolecast ${command.name}: ${printable(error.message)}`);
      if (error.hint) print(ctx.stderr, `  ${printable(error.hint)}`);
      return error.exitCode;
    }
    print(
      ctx.stderr,
      `rolecast ${command.name}: unexpected error — this is a bug, please report it with the output below.`,
    );
    print(ctx.stderr, error instanceof Error ? (error.stack ?? error.message) : String(error));
    return EXIT.bug;
  }
}

/**
 * node's parseArgs explains an unknown option in two sentences about positionals; say instead
 * which option was meant, in one line.
 */
function usageMessage(error: unknown, command: Command): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const option = /'(-{1,2}[^']*)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    const known = [...Object.keys(command.options), 'help'];
    const meant = closestWord(option.replace(/^-+/, '').split('=')[0] ?? '', known);
    return `unknown option ${option}${meant ? ` — did you mean --${meant}?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `too many arguments: ${message.split('.')[0]}`;
  return message;
}

function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `rolecast ${VERSION} — role-targeted email digests\n\nusage: rolecast <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun "rolecast <command> --help" for a command's options.`;
}
