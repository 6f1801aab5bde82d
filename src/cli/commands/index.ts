import type { Command } from '../_command.js';
import { buildCommand } from './build.js';
import { checkCommand } from './check.js';
import { parseCommand } from './parse.js';
import { schemaCommand } from './schema.js';

/** Every command, in the order `rolecast --help` lists them. */
export const COMMANDS: Command[] = [parseCommand, checkCommand, buildCommand, schemaCommand];
