import { resolve } from 'node:path';
import { RolecastError } from '../../errors.js';
import { scaffoldProject } from '../../init/scaffold.js';
import { displayPath } from '../../load/_display.js';
import { type Command, print } from '../_command.js';
import { stringOption } from '../_shared.js';

const REQUIRED = ['name', 'email', 'postal-address'] as const;

export const initCommand: Command = {
  name: 'init',
  summary: 'Start a project: rolecast.config.json, roles.yaml and a summaries folder with a draft example',
  usage: 'rolecast init [DIR] --name "Your List" --email list@your.domain --postal-address "…" [--timezone ZONE]',
  options: {
    name: { type: 'string' },
    email: { type: 'string' },
    'postal-address': { type: 'string' },
    timezone: { type: 'string' },
  },
  async run(args, ctx) {
    const missing = REQUIRED.filter((option) => !stringOption(args, option)?.trim());
    if (missing.length)
      throw new RolecastError('E_USAGE', `missing ${missing.map((option) => `--${option}`).join(', ')}`, {
        hint: `usage: ${initCommand.usage} (the name and address readers see in the From line, and the postal address anti-spam laws ask every message to carry)`,
      });
    if (args.positionals.length > 1)
      throw new RolecastError('E_USAGE', 'init takes one folder', { hint: `usage: ${initCommand.usage}` });
    const dir = resolve(ctx.cwd, args.positionals[0] ?? '.');
    const timezone = stringOption(args, 'timezone') ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
    const result = await scaffoldProject(dir, {
      name: stringOption(args, 'name') ?? '',
      email: stringOption(args, 'email') ?? '',
      postalAddress: stringOption(args, 'postal-address') ?? '',
      timezone,
    });
    const prefix = dir === resolve(ctx.cwd) ? '' : `${displayPath(dir, ctx.cwd)}/`;
    for (const file of result.written) print(ctx.stdout, `created ${prefix}${file}`);
    print(ctx.stdout, `time zone ${timezone} (weeks and send times are read in it; change "timezone" to move it)`);
    print(
      ctx.stdout,
      'cards full (every word of a summary is mailed; for shorter cards publish rolecast archive, set urls.archive and "cards": { "style": "compact" })',
    );
    print(
      ctx.stdout,
      'next: write summaries into summaries/ (see "Writing summaries" in the README), then run rolecast new',
    );
    return 0;
  },
};
