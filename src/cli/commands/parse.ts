import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../config/load.js';
import { hasErrors, RolecastError } from '../../errors.js';
import { displayPath } from '../../load/_display.js';
import { loadSummaryFile } from '../../load/summary.js';
import { printable } from '../../printable.js';
import { loadTaxonomy } from '../../roles/taxonomy.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, printProblems, requirePositional, stringOption } from '../_shared.js';

/** The taxonomy shipped with rolecast, used when no project config is around. */
export const BUNDLED_ROLES = fileURLToPath(new URL('../../../roles.yaml', import.meta.url));

export const parseCommand: Command = {
  name: 'parse',
  summary: 'Parse one summary file and print it normalised',
  usage: 'rolecast parse FILE [--json] [--config FILE]',
  options: { ...CONFIG_OPTION, json: { type: 'boolean' } },
  async run(args, ctx) {
    const file = resolve(ctx.cwd, requirePositional(args, 0, 'FILE', this.usage));
    const configFile = stringOption(args, 'config');
    let rolesFile = BUNDLED_ROLES;
    try {
      rolesFile = (await loadConfig({ file: configFile, cwd: ctx.cwd })).rolesFile;
    } catch (error) {
      if (configFile || !(error instanceof RolecastError && error.code === 'E_NOT_FOUND')) throw error;
    }
    const taxonomy = await loadTaxonomy(rolesFile);
    const { summary, problems } = await loadSummaryFile(file, taxonomy, displayPath(file, ctx.cwd));
    printProblems(ctx.stderr, problems);
    if (!summary || hasErrors(problems)) return 2;
    if (flag(args, 'json')) print(ctx.stdout, JSON.stringify(summary, null, 2));
    else {
      print(ctx.stdout, printable(summary.title));
      print(ctx.stdout, `  roles: ${summary.roles.map(printable).join(', ')}`);
      print(
        ctx.stdout,
        `  principles: ${summary.principles.length}, in practice: ${summary.practice.length}, topics: ${summary.topics.length}`,
      );
      if (summary.source) print(ctx.stdout, `  source: ${printable(summary.source)}`);
    }
    return 0;
  },
};
