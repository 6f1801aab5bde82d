import { basename, dirname, join, resolve } from 'node:path';
import { engagementScore } from '../../analytics/engagement.js';
import { readTopicEngagement } from '../../analytics/history.js';
import { readEnvironment } from '../../config/env.js';
import { loadConfig } from '../../config/load.js';
import type { ResolvedConfig } from '../../config/schema.js';
import { hasErrors } from '../../errors.js';
import { displayPath } from '../../load/_display.js';
import { type HeldRoles, readHeldRoles } from '../../load/held-roles.js';
import { twinReason } from '../../load/same-story.js';
import { loadPool, type PoolEntry } from '../../pool/index.js';
import { planNewIssue, writeNewIssue } from '../../pool/new-issue.js';
import { lockIssuesFolder } from '../../pool/new-lock.js';
import type { LeftOutTwin, ReplacedTwin, RoleCount, Selection } from '../../pool/select.js';
import { loadTaxonomy, type RoleTaxonomy } from '../../roles/taxonomy.js';
import { stateLocation } from '../../state/location.js';
import { CONFIG_OPTION, type Command, type CommandContext, type ParsedArgs, print } from '../_command.js';
import { flag, stringOption } from '../_shared.js';
import type { SizeFit } from '../fit-size.js';
import { problemLines } from '../problem-lines.js';

export const newCommand: Command = {
  name: 'new',
  summary: "Start next week's issue, prefilled from the content pool",
  usage:
    'rolecast new [--week YYYY-Www] [--issues DIR (default issues)] [--subscribers FILE] [--by-engagement] [--state FILE] [--config FILE]',
  options: {
    ...CONFIG_OPTION,
    week: { type: 'string' },
    issues: { type: 'string' },
    subscribers: { type: 'string' },
    'by-engagement': { type: 'boolean' },
    state: { type: 'string' },
  },
  async run(args, ctx) {
    const config = await loadConfig({ file: stringOption(args, 'config'), cwd: ctx.cwd });
    const issuesOption = stringOption(args, 'issues');
    const issuesDir = issuesOption
      ? resolve(ctx.cwd, issuesOption)
      : join(config.file ? dirname(config.file) : ctx.cwd, 'issues');
    const taxonomy = await loadTaxonomy(config.rolesFile);
    // One run at a time reads what the issues took, picks and writes: two at once picked alike.
    const lock = await lockIssuesFolder(issuesDir, {
      cwd: ctx.cwd,
      signal: ctx.signal,
      onWait: (line) => print(ctx.stderr, line),
    });
    const { pool, readers, plan, fit, file } = await pickAndWrite(config, taxonomy, issuesDir, args, ctx).finally(() =>
      lock.release(),
    );
    for (const line of problemLines(plan.warnings, '`rolecast pool` lists every date')) print(ctx.stderr, line);
    const { uncovered, twins, replaced } = plan.selection;
    const picked = plan.selection.picked.filter((entry) => !fit.leftOut.includes(entry));
    const coverage = plan.selection.coverage.map(({ role }) => ({
      role,
      count: picked.filter((entry) => entry.roles.includes(role)).length,
    }));
    print(
      ctx.stdout,
      `created ${displayPath(file, ctx.cwd)}: ${picked.length} summaries from ${displayPath(pool.dir, ctx.cwd)}`,
    );
    print(ctx.stdout, coverageLines(coverage, config.perRole, taxonomy, basename(config.rolesFile), readers.held));
    print(ctx.stdout, heldLines(readers, coverage, taxonomy));
    if (uncovered.length)
      print(ctx.stdout, `roles with none (no ready, unused pool summary names them): ${uncovered.join(', ')}`);
    // A role whose every pick went to the size trim has none this week too, for another reason.
    const trimmedAway = coverage.filter((c) => c.count === 0 && !uncovered.includes(c.role)).map((c) => c.role);
    if (trimmedAway.length)
      print(
        ctx.stdout,
        `roles with none after the size trim (every summary picked for them is left out below): ${trimmedAway.join(', ')}`,
      );
    const waiting = waitingLine(pool.entries, plan.selection, config.perRole, ctx.cwd);
    if (waiting) print(ctx.stdout, waiting);
    if (replaced.length) print(ctx.stdout, replacedLines(replaced, ctx.cwd));
    if (twins.length) print(ctx.stdout, twinLines(twins, ctx.cwd));
    if (fit.leftOut.length) print(ctx.stdout, sizeLines(fit, config.sizeLimitKb, ctx.cwd));
    print(ctx.stdout, `next: rolecast preview ${previewArgs(displayPath(plan.dir, ctx.cwd), args)}`);
    // The issue is written either way; a script must still learn that pool files were left out.
    if (!hasErrors(pool.problems)) return 0;
    const broken = pool.problems.filter((p) => p.severity === 'error').length;
    print(
      ctx.stderr,
      `${broken} pool problem(s) above: the issue was written without those files; fix them (\`rolecast pool\` lists what is left) and add them to the issue if they belong in it`,
    );
    return 2;
  },
};

/** The preview of the new issue, with the subscribers file and config `new` was given, quoted for a shell. */
function previewArgs(issueDir: string, args: ParsedArgs): string {
  const words = [issueDir];
  for (const option of ['subscribers', 'config'] as const) {
    const value = stringOption(args, option);
    if (value) words.push(`--${option}`, value);
  }
  return words.map((word) => (/^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** Reads the pool and the roles readers hold, picks, measures and writes the issue: all under the lock. */
async function pickAndWrite(
  config: ResolvedConfig,
  taxonomy: RoleTaxonomy,
  issuesDir: string,
  args: ParsedArgs,
  ctx: CommandContext,
) {
  const pool = await loadPool(config, { issuesDir, taxonomy });
  // Broken pool files are left out of the pick; say so rather than skip them silently.
  for (const line of problemLines(pool.problems, '`rolecast pool --json` lists all')) print(ctx.stderr, line);
  // Who holds which role, from where a send reads its readers: picks go to roles someone reads first.
  const readers = await readHeldRoles({
    config,
    subscribersFile: stringOption(args, 'subscribers'),
    location: stateLocation(config, readEnvironment(ctx.env), ctx.cwd, stringOption(args, 'state')),
    taxonomy,
    cwd: ctx.cwd,
    now: new Date(),
  });
  for (const line of problemLines(readers.problems, '`rolecast check` lists all')) print(ctx.stderr, line);
  const plan = planNewIssue({
    pool,
    config,
    taxonomyRoles: taxonomy.roles.map((r) => r.name),
    issuesDir,
    week: stringOption(args, 'week'),
    now: new Date(),
    rank: await engagementRank(config, ctx, args, taxonomy),
    held: readers.held && new Set(readers.held.roles.keys()),
  });
  // Loaded on use: measuring the issue renders it, which brings MJML.
  const { fitToSizeLimit } = await import('../fit-size.js');
  // Measured before it is written: an issue on disk is always the one the report describes.
  const fit = await fitToSizeLimit(plan, { configFile: stringOption(args, 'config'), cwd: ctx.cwd, env: ctx.env });
  const file = await writeNewIssue(plan, {
    limitKb: config.sizeLimitKb,
    measuredKb: fit.measuredKb,
    leftOut: fit.leftOut.map((entry) => ({ id: entry.id, roles: entry.roles })),
  });
  return { pool, readers, plan, fit, file };
}

/** Which roles readers hold, or why that could not be known. */
function heldLines(
  readers: { held?: HeldRoles; why?: string },
  coverage: readonly RoleCount[],
  taxonomy: RoleTaxonomy,
) {
  if (!readers.held)
    return `which roles readers hold could not be known (${readers.why}): every role was picked for alike; give --subscribers FILE as send does to pick for the roles readers hold first`;
  const { held } = readers;
  const unheld = taxonomy.roles.map((r) => r.name).filter((role) => !held.roles.has(role));
  const lines = [`readers: ${held.readers} in ${held.source}; every role they hold was picked for before any other`];
  const count = (role: string) => coverage.find((c) => c.role === role)?.count ?? 0;
  if (unheld.length)
    lines.push(
      `roles no reader holds (summaries picked for them alone are the first the size trim gives up): ${unheld.map((role) => `${role} ${count(role)}`).join(', ')}`,
    );
  return lines.join('\n');
}

function coverageLines(
  coverage: readonly RoleCount[],
  perRole: number,
  taxonomy: RoleTaxonomy,
  rolesFile: string,
  held: HeldRoles | undefined,
): string {
  // A role roles.yaml does not know (a misspelling, usually) is held by no reader: counting it as
  // covered would hide that the summary picked for it reaches nobody.
  const known = coverage.filter((c) => taxonomy.lookup(c.role) !== undefined);
  const unknown = coverage.filter((c) => taxonomy.lookup(c.role) === undefined && c.count > 0);
  // Unless a reader wrote it too: then the summary reaches them, as a send matches it.
  const readersOf = (c: RoleCount) => held?.roles.get(c.role) ?? 0;
  const heldUnknown = unknown.filter((c) => readersOf(c) > 0);
  const unheld = unknown.filter((c) => readersOf(c) === 0);
  const covered = known.filter((c) => c.count > 0);
  const width = Math.max(0, ...covered.map((c) => c.role.length), ...unknown.map((c) => c.role.length));
  const lines = [
    `role coverage (${covered.length} of ${known.length} roles; picking up to ${perRole} per role):`,
    ...covered.map((c) => `  ${c.role.padEnd(width)}  ${c.count}`),
  ];
  if (heldUnknown.length) {
    lines.push(`picked for roles not in ${rolesFile} that readers hold (add each to the taxonomy):`);
    for (const c of heldUnknown) lines.push(`  ${c.role.padEnd(width)}  ${c.count}  — ${readersOf(c)} reader(s)`);
  }
  if (unheld.length === 0) return lines.join('\n');
  lines.push(
    `picked for roles not in ${rolesFile}, which no reader holds (fix the role in the summary, or add it to the taxonomy):`,
  );
  for (const c of unheld) {
    const closest = taxonomy.closest(c.role);
    lines.push(`  ${c.role.padEnd(width)}  ${c.count}${closest ? `  — did you mean ${closest}?` : ''}`);
  }
  return lines.join('\n');
}

/** Past this many, the summaries left waiting are counted, not named. */
const WAITING_SHOWN = 10;

/**
 * Ready, unused summaries not picked because each of their roles already had `perRole` picks: the
 * story waits for a later week, which the editor must see rather than find out from `pool`. Twins
 * and replaced copies are named on their own lines, and the size trim's on its.
 */
function waitingLine(entries: readonly PoolEntry[], selection: Selection, perRole: number, cwd: string) {
  const named = new Set([
    ...selection.picked,
    ...selection.twins.map((twin) => twin.entry),
    ...selection.replaced.map((swap) => swap.entry),
  ]);
  const waiting = entries.filter((e) => e.status === 'ready' && e.usedIn.length === 0 && !named.has(e));
  if (waiting.length === 0) return undefined;
  const shown = waiting.slice(0, WAITING_SHOWN).map((e) => `${displayPath(e.path, cwd)} (${e.roles.join(', ')})`);
  if (waiting.length > WAITING_SHOWN)
    shown.push(`… and ${waiting.length - WAITING_SHOWN} more (rolecast pool lists them)`);
  return `left in the pool for a later issue, as their roles have their ${perRole} each (perRole): ${shown.join(', ')}`;
}

function sizeLines(fit: SizeFit, limitKb: number, cwd: string): string {
  const count = fit.leftOut.length;
  return [
    `left out ${count} summar${count === 1 ? 'y' : 'ies'} picked last, as with ${count === 1 ? 'it' : 'them'} the issue measured ${fit.measuredKb.toFixed(1)} KB, over the ${limitKb} KB limit (sizeLimitKb; Gmail clips at about 102 KB):`,
    ...fit.leftOut.map((entry) => `  ${displayPath(entry.path, cwd)} (${entry.roles.join(', ')})`),
    '  they stay in the pool for next week; to send one now, shorten summaries or lower perRole and add it to issue.json',
  ].join('\n');
}

function replacedLines(replaced: readonly ReplacedTwin[], cwd: string): string {
  const lines = [
    `picked ${replaced.length} summar${replaced.length === 1 ? 'y' : 'ies'} in place of a copy of the same story that reached fewer roles:`,
  ];
  for (const swap of replaced)
    lines.push(
      `  ${displayPath(swap.entry.path, cwd)} left out for "${swap.id}", which ${twinReason(swap)} it and also reaches ${swap.gained.join(', ')}`,
    );
  return lines.join('\n');
}

/** Twins past this many are counted, not named: a pool imported twice must not bury the rest. */
const TWINS_SHOWN = 10;

function twinLines(twins: readonly LeftOutTwin[], cwd: string): string {
  const lines = [
    `left out ${twins.length} summar${twins.length === 1 ? 'y' : 'ies'} telling a story already picked or sent (readers would get it twice):`,
  ];
  for (const twin of twins.slice(0, TWINS_SHOWN)) {
    const when = twin.usedIn.length
      ? `in issue${twin.usedIn.length === 1 ? '' : 's'} ${twin.usedIn.join(', ')}`
      : 'picked this week';
    const gone = twin.twinGone ? ', whose file is no longer in the pool: renamed or deleted since' : '';
    lines.push(`  ${displayPath(twin.entry.path, cwd)}: ${twinReason(twin)} "${twin.id}" (${when}${gone})`);
    // Roles only the copy names: their readers get the story from neither, which must not pass unseen.
    if (twin.rolesOnlyHere.length)
      lines.push(
        `    its ${twin.rolesOnlyHere.join(', ')} readers get this story from neither; to reach them, add ${twin.rolesOnlyHere.length === 1 ? 'that role' : 'those roles'} to "${twin.id}"${twin.usedIn.length ? ' in a later issue' : ''}`,
      );
  }
  if (twins.length > TWINS_SHOWN) lines.push(`  … and ${twins.length - TWINS_SHOWN} more`);
  lines.push('  if one is a different take, give it its own title and roles; else remove the copy from the pool');
  return lines.join('\n');
}

/** Past issues `--by-engagement` learns from. */
const ENGAGEMENT_ISSUES = 8;

/** With --by-engagement: each role picks the pool summaries whose topics its readers clicked most. */
async function engagementRank(config: ResolvedConfig, ctx: CommandContext, args: ParsedArgs, taxonomy: RoleTaxonomy) {
  if (!flag(args, 'by-engagement')) return undefined;
  const engagement = await readTopicEngagement(
    config,
    ENGAGEMENT_ISSUES,
    stateLocation(config, readEnvironment(ctx.env), ctx.cwd, stringOption(args, 'state')),
    (role) => taxonomy.lookup(role) ?? role,
  );
  if (!engagement || engagement.clicks === 0) {
    print(ctx.stderr, 'no clicks recorded yet (see "Analytics" in the README): picking newest first');
    return undefined;
  }
  print(
    ctx.stdout,
    `ordering each role's picks by its readers' clicks on their topics over the last ${engagement.issues} issue(s)`,
  );
  return (entry: { summary: { topics: string[] } }, role: string) =>
    engagementScore(engagement, role, entry.summary.topics);
}
