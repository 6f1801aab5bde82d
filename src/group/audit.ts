import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import type { Problem } from '../errors.js';
import { displayPath } from '../load/_display.js';
import type { Project } from '../load/project.js';
import { type StoryTwin, storyTwins, twinReason } from '../load/same-story.js';
import type { Summary } from '../model/summary.js';
import { type AudiencePlan, type AudienceTally, countNoContent, emptyNoContentTally, type Variant } from './index.js';

/**
 * Content that would silently drop out of an issue: a summary nobody gets, a role whose readers get
 * nothing this week, readers left without any section, a week label that disagrees with the folder.
 * Pure: the caller loads the project and plans the audience; this only compares. Every finding is a
 * warning; `check --strict` and `send --strict` turn warnings into a failing exit.
 */
export interface AuditInput {
  issueId: string;
  /** Shown path of issue.json, for findings about the issue itself. */
  manifestFile: string;
  date: string;
  timezone: string;
  summaries: readonly Summary[];
  /** Shown path of each summary's file. */
  summaryFile: (id: string) => string;
  /** The audience plan with subscribers; undefined when no list was given. */
  plan: AudiencePlan | undefined;
  /** Shown path of the subscribers file, when one was given. */
  subscribersFile?: string | undefined;
  /** Roles the editor accepts have nothing this week (issue.json `quietRoles`). */
  quietRoles?: readonly string[] | undefined;
}

/** How many addresses a "gets nothing" warning names before it says "and N more". */
export const LISTED_READERS = 10;

/** The audit of a loaded project, with paths shown relative to `cwd`. */
export function auditProject(
  project: Project,
  plan: AudiencePlan | undefined,
  options: { subscribersFile?: string | undefined; cwd?: string | undefined } = {},
): Problem[] {
  const { issue, config } = project;
  return auditIssue({
    issueId: issue.id,
    manifestFile: displayPath(`${issue.dir}/issue.json`, options.cwd),
    date: issue.manifest.date,
    timezone: config.timezone,
    summaries: issue.summaries,
    summaryFile: (id) => displayPath(issue.files.get(id) ?? id, options.cwd),
    plan,
    quietRoles: issue.manifest.quietRoles,
    subscribersFile:
      options.subscribersFile === undefined
        ? undefined
        : displayPath(resolve(options.cwd ?? process.cwd(), options.subscribersFile), options.cwd),
  });
}

export function auditIssue(input: AuditInput): Problem[] {
  return [...weekProblems(input), ...(input.plan ? audienceProblems(input, input.plan) : [])];
}

/** A folder named like `2026-W48` promises that week; `{{week}}` in the subject comes from `date`. */
function weekProblems(input: AuditInput): Problem[] {
  const match = /^(\d{4})-W(\d{2})$/.exec(input.issueId);
  if (!match) return [];
  const day = DateTime.fromISO(input.date, { zone: input.timezone });
  if (!day.isValid) return [];
  const [folderYear, folderWeek] = [Number(match[1]), Number(match[2])];
  if (day.weekYear === folderYear && day.weekNumber === folderWeek) return [];
  const actual = `${day.weekYear}-W${String(day.weekNumber).padStart(2, '0')}`;
  return [
    {
      severity: 'warning',
      file: input.manifestFile,
      field: 'date',
      message: `${input.date} falls in ${actual}, but the issue folder is ${input.issueId}: {{week}} will say ${day.weekNumber}`,
      hint: `set "date" to a day of ${input.issueId}, or rename the folder to ${actual}`,
    },
  ];
}

function audienceProblems(input: AuditInput, plan: AudiencePlan): Problem[] {
  const problems: Problem[] = [];
  // Every variant a plan made has at least one recipient.
  const tally = plan.tally ? { ...plan.tally, reached: new Set(plan.variants.map((v) => v.id)) } : tallyOf(plan);
  const readers = tally.recipients;
  const listFile = input.subscribersFile ?? '(subscribers)';

  // Summaries no recipient gets (often a misspelt role).
  if (readers > 0) {
    const used = new Set(plan.variants.filter((v) => tally.reached.has(v.id)).flatMap((v) => v.summaryIds));
    for (const summary of input.summaries) {
      if (used.has(summary.id)) continue;
      problems.push({
        severity: 'warning',
        file: input.summaryFile(summary.id),
        field: 'roles',
        message: `summary ${summary.id} reaches none of the ${readers} recipient(s) — its roles: ${summary.roles.join(', ')}`,
        hint: 'check the spelling of its "Best for" roles, or give it a role your readers hold',
      });
    }
  }

  // Roles held by readers who are mailed, but with no summary this week. Counted per distinct roles
  // array (loaded lists share one per role set), not per reader.
  const covered = new Set(input.summaries.flatMap((s) => s.roles));
  const quiet = new Set(input.quietRoles ?? []);
  const readersPerRole = new Map<string, number>();
  for (const counts of [tally.byRoles, tally.noContent.byRoles])
    for (const [roles, count] of counts)
      for (const role of new Set(roles)) readersPerRole.set(role, (readersPerRole.get(role) ?? 0) + count);
  for (const [role, count] of readersPerRole) {
    if (covered.has(role) || quiet.has(role)) continue;
    problems.push({
      severity: 'warning',
      file: listFile,
      field: 'roles',
      message: `role "${role}" has ${count} reader(s) but no summary this week`,
      hint: `add a summary for ${role}, or list it in issue.json's "quietRoles" to accept that its readers get only their other roles' sections`,
    });
  }

  // Readers whose roles match nothing: they get no email at all. Those whose every role the editor
  // listed as quiet are an accepted choice, not a surprise.
  const empty = tally.noContent;
  const allQuiet = (roles: readonly string[]) => holdsOnlyQuietRoles(roles, quiet);
  let accepted = 0;
  for (const [roles, count] of empty.byRoles) if (allQuiet(roles)) accepted += count;
  const unexpected = empty.count - accepted;
  if (unexpected > 0) {
    const unnamed = new Set(empty.first.filter((s) => !allQuiet(s.roles)));
    // The first few may all hold quiet roles: then one reader of each other roles array stands in.
    for (const example of empty.examples.values())
      if (unnamed.size < LISTED_READERS && !allQuiet(example.roles)) unnamed.add(example);
    const named = [...unnamed]
      .slice(0, LISTED_READERS)
      .map((s) => `${s.email} (${s.roles.length ? s.roles.join(', ') : 'no roles'})`);
    const more = unexpected > named.length ? ` and ${unexpected - named.length} more` : '';
    problems.push({
      severity: 'warning',
      file: listFile,
      field: 'roles',
      message: `${unexpected} reader(s) get nothing this issue: ${named.join('; ')}${more}`,
      hint: `give them roles that this issue covers, add summaries for their roles, or list those roles in issue.json's "quietRoles"`,
    });
  }
  problems.push(...takesReadTwice(input, plan, tally.reached));
  return problems;
}

/** How many role sets a "gets the story twice" warning names before it stops. */
const LISTED_ROLE_SETS = 5;

/**
 * One story written up once for each of two roles (no role in common, so no twin at issue.json's
 * line) reaches a reader who holds both roles twice in one email: named with the role sets that do.
 */
function takesReadTwice(input: AuditInput, plan: AudiencePlan, reached: ReadonlySet<string>): Problem[] {
  const byId = new Map(input.summaries.map((summary) => [summary.id, summary]));
  const pairs = new Map<string, { first: Summary; second: Summary; by: StoryTwin['by']; variants: Variant[] }>();
  for (const variant of plan.variants) {
    if (!reached.has(variant.id)) continue;
    const stories = storyTwins({ oneReader: true });
    for (const id of variant.summaryIds) {
      const second = byId.get(id);
      const twin = second && stories.find(second);
      const first = twin && byId.get(twin.id);
      if (!second || !twin || !first || first.roles.some((role) => second.roles.includes(role))) continue;
      const key = `${first.id}\u0000${second.id}`;
      const pair = pairs.get(key) ?? { first, second, by: twin.by, variants: [] };
      pair.variants.push(variant);
      pairs.set(key, pair);
    }
  }
  return [...pairs.values()].map(({ first, second, by, variants }) => {
    const readers = variants.reduce((sum, variant) => sum + (variant.readers ?? 1), 0);
    const sets = variants
      .slice(0, LISTED_ROLE_SETS)
      .map((variant) => `${variant.roles.join(' + ')}${variant.readers === undefined ? '' : ` ${variant.readers}`}`);
    const more = variants.length > LISTED_ROLE_SETS ? `, ${variants.length - LISTED_ROLE_SETS} more role sets` : '';
    return {
      severity: 'warning' as const,
      file: input.summaryFile(second.id),
      field: 'roles',
      message: `summary ${second.id} ${twinReason({ id: first.id, by })} "${first.id}", written for other roles (${second.roles.join(', ')}; ${first.roles.join(', ')}): ${readers} reader(s) who hold both get the story twice in one email (${sets.join(', ')}${more})`,
      hint: `to give each reader one take, keep one summary for all of those roles and take the other out of the issue; if both takes belong in one email, give one a title and link of its own`,
    };
  });
}

/** The audit's counts of a plan built by hand (a planned one carries them), with its variants reached. */
function tallyOf(plan: AudiencePlan): AudienceTally & { reached: Set<string> } {
  const reached = new Set<string>();
  const count = (counts: Map<readonly string[], number>, roles: readonly string[]) =>
    counts.set(roles, (counts.get(roles) ?? 0) + 1);
  const byRoles = new Map<readonly string[], number>();
  for (const { subscriber, variantId } of plan.recipients) {
    reached.add(variantId);
    count(byRoles, subscriber.roles);
  }
  const noContent = emptyNoContentTally();
  for (const { subscriber, reason } of plan.skipped) if (reason === 'no-content') countNoContent(noContent, subscriber);
  return { recipients: plan.recipients.length, reached, byRoles, noContent };
}

/** A reader whose every role the editor listed in `quietRoles`: getting nothing is their accepted lot. */
export function holdsOnlyQuietRoles(roles: readonly string[], quiet: ReadonlySet<string>): boolean {
  return roles.length > 0 && roles.every((role) => quiet.has(role));
}
