import { resolve } from 'node:path';
import { writeJsonSchemas } from '../../model/json-schema.js';
import { type Command, print } from '../_command.js';
import { stringOption } from '../_shared.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Write JSON Schemas for summaries, issues, subscribers and config (editor autocomplete)',
  usage: 'rolecast schema [--out DIR]',
  options: { out: { type: 'string' } },
  async run(args, ctx) {
    const dir = resolve(ctx.cwd, stringOption(args, 'out') ?? 'schemas');
    const files = await writeJsonSchemas(dir);
    for (const file of files) print(ctx.stdout, `wrote ${file}`);
    return 0;
  },
};
