import type { Command } from '../_command.js';
import { archiveCommand } from './archive.js';
import { bouncesCommand } from './bounces.js';
import { buildCommand } from './build.js';
import { checkCommand } from './check.js';
import { initCommand } from './init.js';
import { newCommand } from './new.js';
import { parseCommand } from './parse.js';
import { poolCommand } from './pool.js';
import { previewCommand } from './preview.js';
import { reportCommand } from './report.js';
import { schemaCommand } from './schema.js';
import { sendCommand } from './send.js';
import { serveCommand } from './serve.js';
import { stateCommand } from './state.js';
import { statusCommand } from './status.js';
import { subscribersCommand } from './subscribers.js';
import { suppressCommand } from './suppress.js';

/** Every command, in the order `rolecast --help` lists them. */
export const COMMANDS: Command[] = [
  initCommand,
  newCommand,
  poolCommand,
  parseCommand,
  checkCommand,
  buildCommand,
  sendCommand,
  statusCommand,
  reportCommand,
  schemaCommand,
  previewCommand,
  serveCommand,
  suppressCommand,
  subscribersCommand,
  bouncesCommand,
  archiveCommand,
  stateCommand,
];
