import { basename, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { openAnalyticsAt } from '../../analytics/open.js';
import { buildReport } from '../../analytics/report.js';
import { withCurrentRoleNames } from '../../analytics/role-names.js';
import { issuesSince, sinceDate } from '../../analytics/since.js';
import type { IssueFacts } from '../../analytics/store.js';
import { readEnvironment } from '../../config/env.js';
import { loadConfig } from '../../config/load.js';
import { formatProblem, RolecastError } from '../../errors.js';
import { loadTaxonomy } from '../../roles/taxonomy.js';
import { describeLocation, stateLocation } from '../../state/location.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, integerOption, stringOption } from '../_shared.js';
import { reportCsv, reportTable } from '../report-table.js';

const DEFAULT_QUIET_ISSUES = 4;

export const reportCommand: Command = {
  name: 'report',
  summary: 'Show what each role read: deliveries, unsubscribes, bounces and clicks per role, variant and summary',
  usage: `rolecast report ISSUE_DIR | --since 8w [--last N (default ${DEFAULT_QUIET_ISSUES})] [--json | --csv] [--state FILE] [--config FILE]`,
  options: {
    ...CONFIG_OPTION,
    state: { type: 'string' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    since: { type: 'string' },
    last: { type: 'string' },
  },
  async run(args, ctx) {
    const issueArg = args.positionals[0];
    const since = stringOption(args, 'since');
    if ((issueArg === undefined) === (since === undefined))
      throw new RolecastError('E_USAGE', 'name one issue, or a period with --since', { hint: `usage: ${this.usage}` });
    if (flag(args, 'json') && flag(args, 'csv'))
      throw new RolecastError('E_USAGE', '--json and --csv cannot be combined', { hint: `usage: ${this.usage}` });
    const last = integerOption(args, 'last', 1000) ?? DEFAULT_QUIET_ISSUES;
    const config = await loadConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd, near: issueArg });
    const location = stateLocation(config, readEnvironment(ctx.env), ctx.cwd, stringOption(args, 'state'));
    const { store, close } = await openAnalyticsAt(location);
    try {
      const all = await store.issues();
      const from = since === undefined ? undefined : sinceDate(since, new Date(), config.timezone);
      const ids =
        from === undefined
          ? [basename(resolve(ctx.cwd, issueArg!))]
          : issuesSince(since!, await store.issues(from), all);
      const upTo = all.indexOf(ids[ids.length - 1] ?? '');
      const historyIds = upTo < 0 ? ids : all.slice(Math.max(0, upTo + 1 - last), upTo + 1);
      const { roleName, roles } = await currentRoleNames(config.rolesFile, (line) => print(ctx.stderr, line));
      const facts = async (list: string[]) =>
        (await Promise.all(list.map((id) => store.facts(id)))).map((f) => withCurrentRoleNames(f, roleName));
      const selected = await facts(ids);
      if (issueArg !== undefined) notSent(selected[0]!, all, describeLocation(location));
      const report = buildReport(selected, { history: await facts(historyIds), roles });
      if (flag(args, 'json')) print(ctx.stdout, JSON.stringify(report, null, 2));
      else if (flag(args, 'csv')) ctx.stdout.write(reportCsv(report));
      else print(ctx.stdout, reportTable(report, from && noneSince(from, config.timezone, all)));
      return 0;
    } finally {
      await close();
    }
  },
};

/**
 * An issue the state holds no send of (a typo in its folder's name, an issue not sent yet, one only
 * tried out to the outbox) would report zeros, as if it went to nobody and nobody clicked: refused.
 */
function notSent(facts: IssueFacts, sent: readonly string[], where: string): void {
  if (facts.recordedAt !== undefined || facts.deliveries.length > 0) return;
  const last = sent.slice(-5);
  throw new RolecastError('E_NOT_FOUND', `no send of issue ${facts.issueId} is recorded in ${where}`, {
    hint: last.length
      ? `check the issue folder's name, or report on one that was sent: ${last.join(', ')}${sent.length > last.length ? ` (the last ${last.length} of ${sent.length})` : ''}`
      : 'nothing is recorded as sent there yet: report on an issue once its send has started, or pass --state FILE (or DATABASE_URL) where sends are recorded',
  });
}

/** The first line of a period no issue was sent in: from when, and the last issue that was. */
function noneSince(from: Date, zone: string, sent: readonly string[]): string {
  const when = DateTime.fromJSDate(from, { zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
  return `no issue sent since ${when}${sent.length ? ` (the last sent: ${sent.at(-1)})` : ''}`;
}

/**
 * Today's name of each role a send recorded, and today's roles. Without a readable roles file, the names as recorded,
 * and a warning: a role renamed between issues would otherwise show under each name without a word.
 */
async function currentRoleNames(
  rolesFile: string,
  warn: (line: string) => void,
): Promise<{ roleName: (role: string) => string; roles: readonly string[] }> {
  try {
    const taxonomy = await loadTaxonomy(rolesFile);
    return { roleName: (role) => taxonomy.lookup(role) ?? role, roles: taxonomy.roles.map((role) => role.name) };
  } catch (error) {
    const problems = error instanceof RolecastError ? error.problems : [];
    warn(
      `warning: ${error instanceof Error ? error.message : String(error)}: roles are named as each send recorded them, so a role renamed between issues shows under each name — fix ${basename(rolesFile)} (rolecast check lists its problems)`,
    );
    for (const problem of problems) warn(`  ${formatProblem(problem)}`);
    return { roleName: (role) => role, roles: [] };
  }
}
