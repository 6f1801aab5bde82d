import type { Command } from '../_command.js';

// Each command loads its own modules only when it runs: `status` or `serve` need not wait for
// the renderer, the SMTP sender and every other command's dependencies to be read and compiled.
const LOADERS = new Map<string, () => Promise<Command>>([
  ['init', async () => (await import('./init.js')).initCommand],
  ['new', async () => (await import('./new.js')).newCommand],
  ['pool', async () => (await import('./pool.js')).poolCommand],
  ['parse', async () => (await import('./parse.js')).parseCommand],
  ['check', async () => (await import('./check.js')).checkCommand],
  ['build', async () => (await import('./build.js')).buildCommand],
  ['send', async () => (await import('./send.js')).sendCommand],
  ['status', async () => (await import('./status.js')).statusCommand],
  ['report', async () => (await import('./report.js')).reportCommand],
  ['schema', async () => (await import('./schema.js')).schemaCommand],
  ['preview', async () => (await import('./preview.js')).previewCommand],
  ['serve', async () => (await import('./serve.js')).serveCommand],
  ['suppress', async () => (await import('./suppress.js')).suppressCommand],
  ['subscribers', async () => (await import('./subscribers.js')).subscribersCommand],
  ['bounces', async () => (await import('./bounces.js')).bouncesCommand],
  ['archive', async () => (await import('./archive.js')).archiveCommand],
  ['state', async () => (await import('./state.js')).stateCommand],
]);

/** Every command's name, in the order `rolecast --help` lists them. */
export const COMMAND_NAMES: readonly string[] = [...LOADERS.keys()];

/** The named command with the modules it needs, or undefined for a name that is no command. */
export function loadCommand(name: string): Promise<Command | undefined> {
  return LOADERS.get(name)?.() ?? Promise.resolve(undefined);
}

/** Every command, in the order `rolecast --help` lists them (loads them all: for the help alone). */
export function loadAllCommands(): Promise<Command[]> {
  return Promise.all([...LOADERS.values()].map((load) => load()));
}
