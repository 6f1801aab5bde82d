import { resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { isPostgresUrl } from '../../db/postgres.js';
import { RolecastError } from '../../errors.js';
import { printable } from '../../printable.js';
import type { StateLocation } from '../../state/location.js';
import { migrateStateData } from '../../state/migrate/index.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, requirePositional, stringOption } from '../_shared.js';

const USAGE =
  'rolecast state migrate --to postgres://…|FILE [--from postgres://…|FILE] [--replace] [--state FILE] [--config FILE]';

export const stateCommand: Command = {
  name: 'state',
  summary: 'Copy the send state between a SQLite state file and PostgreSQL (state migrate)',
  usage: USAGE,
  options: {
    ...CONFIG_OPTION,
    to: { type: 'string' },
    from: { type: 'string' },
    replace: { type: 'boolean' },
    state: { type: 'string' },
  },
  async run(args, ctx) {
    const action = requirePositional(args, 0, 'an action (migrate)', USAGE);
    if (action !== 'migrate')
      throw new RolecastError('E_USAGE', `unknown action "${action}"`, { hint: `usage: ${USAGE}` });
    const to = stringOption(args, 'to');
    if (!to) throw new RolecastError('E_USAGE', 'state migrate needs --to', { hint: `usage: ${USAGE}` });
    const fromArg = stringOption(args, 'from');
    if (fromArg && stringOption(args, 'state'))
      throw new RolecastError('E_USAGE', '--from and --state both name the source', { hint: 'give one of them' });
    const source = fromArg ?? stringOption(args, 'state');
    let from: StateLocation;
    if (source) from = locationOf(source, ctx.cwd);
    else {
      // The state file of the project: where the state lived before DATABASE_URL.
      const config = await loadConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd });
      from = { kind: 'sqlite', file: resolve(config.stateDirAbs, 'state.db') };
    }
    const result = await migrateStateData({
      from,
      to: locationOf(to, ctx.cwd),
      replace: flag(args, 'replace'),
      localDir: from.kind === 'postgres' ? await localStateDir(stringOption(args, 'config'), ctx.cwd) : undefined,
    });
    const { unsubscribes, unrecorded } = result.applied;
    if (unsubscribes > 0 || unrecorded > 0)
      print(
        ctx.stdout,
        `first applied to the source: ${unsubscribes} journaled unsubscribe(s), ${unrecorded} message(s) an earlier run sent but could not record`,
      );
    for (const t of result.tables) print(ctx.stdout, `${t.table}: ${t.rows} row(s)`);
    print(ctx.stdout, `copied ${printable(result.from)} to ${printable(result.to)}; row counts match`);
    return 0;
  },
};

/** A postgres:// URL, or a SQLite state file relative to where the command runs. */
function locationOf(value: string, cwd: string): StateLocation {
  if (isPostgresUrl(value)) return { kind: 'postgres', url: value };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1];
  if (scheme)
    throw new RolecastError('E_USAGE', `${printable(scheme)}:// is not a database rolecast knows`, {
      hint: 'name a postgres:// URL or a SQLite state file',
    });
  return { kind: 'sqlite', file: resolve(cwd, value) };
}

/** The project's state folder, where a PostgreSQL send keeps its side files; none without a config. */
async function localStateDir(configFile: string | undefined, cwd: string): Promise<string | undefined> {
  try {
    return (await loadConfig({ file: configFile, cwd })).stateDirAbs;
  } catch {
    return undefined;
  }
}
