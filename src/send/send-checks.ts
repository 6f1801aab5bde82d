import { verpSetupProblem } from '../bounces/verp.js';
import { assertStrongSecret, type Environment } from '../config/env.js';
import type { ResolvedConfig } from '../config/schema.js';
import { formatProblem, type Problem, RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';
import type { Project } from '../load/project.js';
import type { SubscriberTable } from '../model/subscriber-table.js';
import type { CompiledVariant } from '../render/index.js';
import { unreadableTextWarnings } from '../render/unreadable-text.js';
import { type Channel, outboxFolder } from './channel.js';
import { audienceWarnings, COUNT_ONLY, type DeliveryPlan, planRecipients } from './plan.js';
import type { SendOptions } from './send-options.js';

/**
 * What a send checks before its first message, and refuses it for: an unsubscribe or bounce setup
 * without its signing key, drafts, a variant larger than the server takes, warnings under --strict.
 */
/**
 * Warns about content that would silently drop out (summaries nobody gets, readers who get nothing),
 * judged on the whole list (not a segment or one wave, where it is expected): once per command, so
 * not for a wave (`onlyEmails`), whose caller warns for the plan. With `strict`, any warning — these
 * or the load warnings — stops the send before anything goes out.
 */
export function warnAudience(
  project: Project,
  readers: SubscriberTable,
  plan: DeliveryPlan,
  context: {
    segments: readonly string[];
    options: SendOptions;
    isSuppressed: (email: string) => boolean;
    channel: Channel;
    log: (line: string) => void;
  },
): void {
  const { segments, options, isSuppressed, channel, log } = context;
  if (options.partOfRun || options.onlyEmails) return;
  const audience = segments.length
    ? planRecipients(project, readers, { segments: [], isSuppressed }, COUNT_ONLY)
    : plan.audience;
  const found = [
    ...audienceWarnings(project, audience, { cwd: options.cwd, subscribersFile: options.subscribersFile }),
    // What `check` and `build` warn of: text compact cards leave out with no archive to read it in.
    ...unreadableTextWarnings(project, options.cwd),
    ...oneClickWarnings(project.config, channel, options.cwd),
  ];
  logProblems(found, log, options.onWarning);
  if (options.strict) refuseWarnings([...project.problems, ...found]);
}

/** Logs each problem; tells `onWarning` of each warning, so the end of the run can count them. */
export function logProblems(
  problems: readonly Problem[],
  log: (line: string) => void,
  onWarning: ((problem: Problem) => void) | undefined,
): void {
  for (const problem of problems) {
    log(formatProblem(problem));
    if (problem.severity === 'warning') onWarning?.(problem);
  }
}

/** `--strict`: a warning is as good as an error, and nothing is sent. */
export function refuseWarnings(problems: readonly Problem[]): void {
  const warnings = problems.filter((p) => p.severity === 'warning').length;
  if (warnings === 0) return;
  throw new RolecastError('E_INVALID', `--strict: ${warnings} warning(s) found; nothing was sent`, {
    hint: 'fix the warnings listed above, or run without --strict',
  });
}

/**
 * Gmail and Yahoo require one-click unsubscribe from bulk senders: real sends with an unsubscribe
 * URL configured but no signing key would silently offer only the mailto, so they are refused.
 */
export function checkUnsubscribeSetup(
  config: ResolvedConfig,
  env: Environment,
  channel: Channel,
  log: (line: string) => void,
): void {
  assertStrongSecret(env.secret);
  if (!config.urls.unsubscribe || env.secret) return;
  const message =
    'urls.unsubscribe is set but ROLECAST_SECRET is not: messages would carry no one-click unsubscribe link';
  if (channel === 'smtp') {
    throw new RolecastError('E_USAGE', message, {
      hint: 'set ROLECAST_SECRET (at least 32 random characters, the same value `rolecast serve` uses); nothing was sent',
    });
  }
  log(`warning: ${message} (allowed for the outbox; a real send would stop here)`);
}

/**
 * A mailto alone is no one-click unsubscribe (RFC 8058), which Gmail and Yahoo ask of every bulk
 * sender: a list's mail can go to spam or be refused for it. A warning like the others, so the
 * run's last line counts it and --strict refuses the send for it.
 */
export function oneClickWarnings(config: ResolvedConfig, channel: Channel, cwd: string | undefined): Problem[] {
  if (config.urls.unsubscribe || channel !== 'smtp') return [];
  return [
    {
      severity: 'warning',
      file: config.file ? displayPath(config.file, cwd) : 'rolecast.config.json',
      field: 'urls.unsubscribe',
      message:
        'not set: messages carry only a mailto unsubscribe, without the one-click unsubscribe (RFC 8058) Gmail and Yahoo ask of bulk senders',
      hint: 'set urls.unsubscribe to the address of `rolecast serve` (and ROLECAST_SECRET)',
    },
  ];
}

/** VERP tokens are signed: a bounce domain without the key would quietly send without them. */
export function checkBounceSetup(
  config: ResolvedConfig,
  env: Environment,
  channel: Channel,
  log: (line: string) => void,
): void {
  const problem = verpSetupProblem(config, env.secret);
  if (!problem) return;
  if (channel === 'smtp')
    throw new RolecastError('E_USAGE', problem, {
      hint: 'set ROLECAST_SECRET (the same value `rolecast serve` and `rolecast bounces import` use), or remove bounces.domain; nothing was sent',
    });
  log(`warning: ${problem} (allowed for the outbox; a real send would stop here)`);
}

/** Where this send writes `.eml` files (`--outbox`, else outbox/<issue id> beside the config), then the default. */
export function outboxFolders(project: Project, options: Pick<SendOptions, 'cwd' | 'outbox'>): string[] {
  const standard = outboxFolder(project.config, project.issue.id, options.cwd);
  return options.outbox
    ? [outboxFolder(project.config, project.issue.id, options.cwd, options.outbox), standard]
    : [standard];
}

/** The bytes of the smallest message a variant's readers in the run would be sent; undefined when it has none. */
export type SampleBytes = (variantId: string) => number | undefined;

/**
 * Refuses the run before its first message when a variant is larger than the SMTP server's SIZE:
 * every message of that variant would be refused, one by one, its readers marked failed. Its parts
 * before any encoding are measured first; a variant under the limit by them is measured as sent, by
 * the message built for its reader with the shortest own fields (`sample`), since quoted-printable
 * makes it larger. A reader whose own longer name or address takes theirs over fails alone.
 */
export function refuseOversize(
  limit: number | undefined,
  compiled: ReadonlyMap<string, CompiledVariant>,
  sending: ReadonlyMap<string, number>,
  sample?: SampleBytes,
): void {
  if (!limit) return;
  let largest: { id: string; bytes: number; encoded: boolean } | undefined;
  for (const id of sending.keys()) {
    const variant = compiled.get(id);
    if (!variant) continue;
    const parts = variant.htmlBytes + variant.textBytes;
    // Under the limit by its parts, it is measured as sent: one message a variant, whatever its size,
    // since headers and a DKIM signature take a very small limit (a few KB) past parts far under it.
    const encoded = parts <= limit;
    const bytes = encoded ? (sample?.(id) ?? parts) : parts;
    if (bytes > limit && (!largest || bytes > largest.bytes)) largest = { id, bytes, encoded };
  }
  if (!largest) return;
  const measured = largest.encoded ? 'as sent (encoded, with its headers)' : 'before encoding';
  throw new RolecastError(
    'E_SIZE',
    `the SMTP server takes messages of at most ${limit} bytes (SIZE), and variant "${largest.id}" is ${largest.bytes} bytes ${measured}; nothing was sent`,
    {
      hint: 'shorten the issue (cards.style "compact", fewer summaries), or send through a server that takes larger messages',
    },
  );
}

/** Refuses a send while the issue holds a summary marked `status: draft` (the loader warns where). */
export function refuseDrafts(project: Project): void {
  const drafts = project.issue.summaries.filter((summary) => summary.status === 'draft').map((s) => s.id);
  if (drafts.length === 0) return;
  throw new RolecastError(
    'E_INVALID',
    `the issue holds ${drafts.length} draft summary(ies): ${drafts.join(', ')}; nothing was sent`,
    {
      hint: 'set "status: ready" in each when it is done, or take it out of the issue; a dry run or a test send shows drafts',
    },
  );
}
