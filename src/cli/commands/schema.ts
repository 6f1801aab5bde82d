import { resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { writeJsonSchemas } from '../../model/json-schema.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { stringOption } from '../_shared.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Write JSON Schemas for summaries, issues, subscribers and config (editor autocomplete)',
  usage: 'rolecast schema [--out DIR] [--config FILE]',
  options: { ...CONFIG_OPTION, out: { type: 'string' } },
  async run(args, ctx) {
    // The schemas are the same for every project; --config is accepted like everywhere, and checked.
    const configFile = stringOption(args, 'config');
    if (configFile) await loadConfig({ file: configFile, cwd: ctx.cwd });
    const dir = resolve(ctx.cwd, stringOption(args, 'out') ?? 'schemas');
    const files = await writeJsonSchemas(dir);
    for (const file of files) print(ctx.stdout, `wrote ${file}`);
    return 0;
  },
};
