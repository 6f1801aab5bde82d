import { canonicalAddress } from '../address.js';
import { type Problem, RolecastError } from '../errors.js';
import { auditProject } from '../group/audit.js';
import { type AudiencePlan, type AudienceVisitor, planAudience, type SkipReason } from '../group/index.js';
import type { Project } from '../load/project.js';
import type { Subscriber } from '../model/subscriber.js';
import { SubscriberTable } from '../model/subscriber-table.js';
import type { Summary } from '../model/summary.js';
import { type RoleTaxonomy, roleKey } from '../roles/taxonomy.js';
import type { DeliveryStatus } from './ledger.js';
import { createReport, type ReportBuilder, type SendMode } from './report.js';

/**
 * Pure planning for a send: who is in the chosen segments, who gets which variant, and who is
 * skipped — including those the ledger says were already delivered. No I/O.
 */

export interface Recipient {
  subscriber: Subscriber;
  variantId: string;
}

/** Readers to deliver to, in list order: an array, or a compact list read as it is sent. */
export interface RecipientList extends Iterable<Recipient> {
  readonly length: number;
  /** How many readers each variant has, without reading the readers back. */
  variantCounts?(): Map<string, number>;
}

/** How many readers of `list` each variant has. */
export function countByVariant(list: RecipientList): Map<string, number> {
  if (list.variantCounts) return list.variantCounts();
  const counts = new Map<string, number>();
  for (const { variantId } of list) counts.set(variantId, (counts.get(variantId) ?? 0) + 1);
  return counts;
}

export interface DeliveryPlan {
  audience: AudiencePlan;
  /** Recipients to deliver to in this run, in subscriber-file order (empty when planned `compact` or `countOnly`). */
  toSend: Recipient[];
  /** The same readers, however they are kept: what a send iterates. */
  sending: RecipientList;
  /** Every recipient of the plan, those the ledger leaves out included. */
  audienceSize: number;
  report: ReportBuilder;
}

/** Readers in list order: an array, or a loaded list's compact table (read a reader at a time). */
export type ReaderList = readonly Subscriber[] | SubscriberTable;

const readerAt = (list: ReaderList, index: number): Subscriber =>
  list instanceof SubscriberTable ? list.get(index) : list[index]!;

export interface AudienceFilter {
  /** Canonical role names (see `normaliseSegments`); empty for everyone. */
  segments: readonly string[];
  isSuppressed: (email: string) => boolean;
  /** Why an address is suppressed (`bounce`, `complaint`, `unsubscribe`…), to count bounced and complained readers apart. */
  suppressionReason?: ((email: string) => string | undefined) | undefined;
  /** Only these addresses, compared case-insensitively (one wave of a scheduled send). */
  onlyEmails?: ReadonlySet<string> | undefined;
}

export interface PlanOptions extends AudienceFilter {
  recorded: ReadonlyMap<string, DeliveryStatus>;
  resend: boolean;
  /** With `resend`: addresses the unfinished resend being resumed already reached (canonicalAddress form). */
  alreadyResent?: ReadonlySet<string> | undefined;
  retryFailed: boolean;
  mode: SendMode;
  destination: string | undefined;
  /** Count only (a dry run): `toSend` and the audience's lists stay empty, so no record per reader is kept. */
  countOnly?: boolean | undefined;
  /**
   * Keep the readers to send as two numbers each (position in `subscribers`, variant) in `sending`
   * rather than a record each; `toSend` and the audience's lists stay empty. About 8 bytes a reader
   * instead of some 56: 48 MB less for a million.
   */
  compact?: boolean | undefined;
}

/**
 * Canonical names for `--segment` values. A role the taxonomy lacks is taken when the issue's
 * summaries name it (as they spell it: readers holding it get those stories); any other is a usage
 * error with a suggestion.
 */
export function normaliseSegments(
  taxonomy: RoleTaxonomy,
  segments: readonly string[],
  issueRoles: readonly string[] = [],
): string[] {
  return segments.map((segment) => {
    const canonical = taxonomy.lookup(segment);
    if (canonical) return canonical;
    const named = issueRoles.find((role) => roleKey(role) === roleKey(segment));
    if (named) return named;
    const closest = taxonomy.closest(segment);
    throw new RolecastError('E_USAGE', `--segment "${segment}" is not a known role`, {
      hint: closest ? `did you mean ${closest}?` : 'use a role name or alias from the role taxonomy (roles.yaml)',
    });
  });
}

/** The roles the issue's summaries name, each once. */
export function issueRoles(summaries: readonly Pick<Summary, 'roles'>[]): string[] {
  return [...new Set(summaries.flatMap((summary) => summary.roles))];
}

export function inSegments(subscriber: Pick<Subscriber, 'roles'>, segments: readonly string[]): boolean {
  return segments.length === 0 || subscriber.roles.some((role) => segments.includes(role));
}

/** The roles a reader is counted under in the report: those in the chosen segments, or all of them. */
export function segmentRoles(subscriber: Pick<Subscriber, 'roles'>, segments: readonly string[]): readonly string[] {
  return segments.length ? subscriber.roles.filter((role) => segments.includes(role)) : subscriber.roles;
}

/**
 * Who a send is for: the chosen segments and addresses, then unsubscribed, suppressed and no-content
 * readers set aside. A send and the plan a scheduled send prints both count from this. With `visit`,
 * readers are handed over one by one and no list is kept.
 */
export function planRecipients(
  project: Project,
  subscribers: ReaderList,
  filter: AudienceFilter,
  visit?: AudienceVisitor,
  at?: ReaderAt,
): AudiencePlan {
  const only = filter.onlyEmails && new Set([...filter.onlyEmails].map(canonicalAddress));
  const keep =
    filter.segments.length || only
      ? (s: Subscriber) => inSegments(s, filter.segments) && (!only || only.has(canonicalAddress(s.email)))
      : undefined;
  const chosen = keep || at || !Array.isArray(subscribers) ? chosenReaders(subscribers, keep, at) : subscribers;
  return planAudience(
    project.issue.summaries,
    project.issue.manifest.roleOrder ?? [],
    chosen,
    filter.isSuppressed,
    visit,
  );
}

/**
 * The readers a filter keeps, read as they are planned: no second list of them. `at.position` is
 * the list position of the reader last handed over (the one being planned).
 */
function* chosenReaders(
  subscribers: ReaderList,
  keep: ((s: Subscriber) => boolean) | undefined,
  at: ReaderAt = { position: -1, reader: undefined },
): Generator<Subscriber> {
  for (let index = 0; index < subscribers.length; index++) {
    const subscriber = readerAt(subscribers, index);
    if (keep && !keep(subscriber)) continue;
    at.position = index;
    at.reader = subscriber;
    yield subscriber;
  }
}

/** The list position and the reader last handed to the planner. */
interface ReaderAt {
  position: number;
  reader: Subscriber | undefined;
}

/** Plans without keeping the audience's lists: for a caller that needs only counts and warnings. */
export const COUNT_ONLY: AudienceVisitor = { recipient() {}, skipped() {} };

export function planDelivery(project: Project, subscribers: ReaderList, options: PlanOptions): DeliveryPlan {
  if (options.countOnly || options.compact) return countDelivery(project, subscribers, options);
  const audience = planRecipients(project, subscribers, options);
  const report = createReport(project.issue.id, options.mode, options.destination, project.readers);
  for (const variant of audience.variants) report.variant(variant.id, variant.roles, variant.summaryIds.length);
  for (const { subscriber, reason } of audience.skipped)
    report.skip(segmentRoles(subscriber, options.segments), undefined, skipKind(reason, subscriber, options));
  // Until the first reader is left out, the readers to send are the audience's own list: a first
  // run over a million readers keeps one list of them, not two.
  let toSend: DeliveryPlan['toSend'] | undefined;
  const recipients = audience.recipients;
  const skipOf = ledgerSkip(options);
  for (let index = 0; index < recipients.length; index++) {
    const recipient = recipients[index]!;
    const skip = skipOf(recipient.subscriber);
    const roles = segmentRoles(recipient.subscriber, options.segments);
    if (skip) {
      toSend ??= recipients.slice(0, index);
      report.skip(roles, recipient.variantId, skip);
      continue;
    }
    report.plan(roles, recipient.variantId);
    toSend?.push(recipient);
  }
  const sending = toSend ?? recipients;
  return { audience, toSend: sending, sending, audienceSize: recipients.length, report };
}

type SkipKind = Parameters<ReportBuilder['skip']>[2];

function skipKind(reason: SkipReason, subscriber: Subscriber, options: PlanOptions): SkipKind {
  if (reason === 'no-content') return 'noContent';
  if (reason === 'suppressed') return suppressedKind(options.suppressionReason?.(subscriber.email));
  return reason;
}

/** Why the ledger leaves a recipient out of this run (already sent, failed before), if it does. */
function ledgerSkip(options: PlanOptions): (subscriber: Subscriber) => 'alreadySent' | 'previouslyFailed' | undefined {
  // A first run has nothing recorded: no address needs its canonical form worked out.
  const recorded = options.recorded.size > 0 ? options.recorded : undefined;
  if (!recorded) return () => undefined;
  return (subscriber) => {
    const key = canonicalAddress(subscriber.email);
    const status = recorded.get(key);
    if (status === 'sent' && (!options.resend || options.alreadyResent?.has(key))) return 'alreadySent';
    if (status === 'failed' && !options.retryFailed && !options.resend) return 'previouslyFailed';
    return undefined;
  };
}

/**
 * `planDelivery` for a dry run: the same report, counted as the readers are planned, keeping no
 * record per reader. Counts are kept per roles array (a loaded list shares one per role set) and
 * handed to the report afterwards in the order a kept plan would have, so segments list alike.
 */
function countDelivery(project: Project, subscribers: ReaderList, options: PlanOptions): DeliveryPlan {
  // Per roles array, then per kind: a roles array always plans to the same variant.
  type Counts = Map<readonly string[], Map<SkipKind | 'planned', { variantId: string | undefined; n: number }>>;
  const left: Counts = new Map(); // skipped by the audience: reported first
  const planned: Counts = new Map(); // then each recipient, planned or skipped by the ledger
  const count = (
    counts: Counts,
    roles: readonly string[],
    variantId: string | undefined,
    kind: SkipKind | 'planned',
  ) => {
    let byKind = counts.get(roles);
    if (!byKind) {
      byKind = new Map();
      counts.set(roles, byKind);
    }
    const entry = byKind.get(kind);
    if (entry) entry.n++;
    else byKind.set(kind, { variantId, n: 1 });
  };
  const skipOf = ledgerSkip(options);
  const at: ReaderAt = { position: -1, reader: undefined };
  const sending = createCompactList(subscribers);
  const audience = planRecipients(
    project,
    subscribers,
    options,
    {
      skipped: (subscriber, reason) => count(left, subscriber.roles, undefined, skipKind(reason, subscriber, options)),
      recipient: (subscriber, variantId) => {
        const skip = skipOf(subscriber);
        count(planned, subscriber.roles, variantId, skip ?? 'planned');
        if (options.compact && !skip) {
          // The position is the last reader handed to the planner: it must be this one, or a reader would get another's message.
          if (at.reader !== subscriber) throw new Error('a planned reader is not the one last read from the list');
          sending.add(at.position, variantId);
        }
      },
    },
    at,
  );
  const report = createReport(project.issue.id, options.mode, options.destination, project.readers);
  for (const variant of audience.variants) report.variant(variant.id, variant.roles, variant.summaryIds.length);
  for (const counts of [left, planned])
    for (const [held, byKind] of counts) {
      const roles = segmentRoles({ roles: held as string[] }, options.segments);
      for (const [kind, { variantId, n }] of byKind)
        if (kind === 'planned') report.plan(roles, variantId!, n);
        else report.skip(roles, variantId, kind, n);
    }
  return { audience, toSend: [], sending, audienceSize: audience.tally?.recipients ?? 0, report };
}

/**
 * Readers kept as their position in `subscribers` and the index of their variant id, in typed
 * arrays; each reader is read from the list again when it is sent. Readers are added in list order.
 */
function createCompactList(subscribers: ReaderList): RecipientList & {
  add(position: number, variantId: string): void;
} {
  let positions: Uint32Array = new Uint32Array(1024);
  let variants: Uint32Array = new Uint32Array(1024);
  const ids: string[] = [];
  const idIndex = new Map<string, number>();
  let length = 0;
  let next = 0;
  return {
    get length() {
      return length;
    },
    add(position, variantId) {
      if (position < next || position >= subscribers.length)
        throw new Error('a planned reader is not in the list planned from, or out of order');
      next = position + 1;
      let variant = idIndex.get(variantId);
      if (variant === undefined) {
        variant = ids.push(variantId) - 1;
        idIndex.set(variantId, variant);
      }
      if (length === positions.length) {
        positions = grown(positions);
        variants = grown(variants);
      }
      positions[length] = position;
      variants[length] = variant;
      length++;
    },
    *[Symbol.iterator]() {
      for (let i = 0; i < length; i++)
        yield { subscriber: readerAt(subscribers, positions[i]!), variantId: ids[variants[i]!]! };
    },
    variantCounts() {
      const counts = new Array<number>(ids.length).fill(0);
      for (let i = 0; i < length; i++) counts[variants[i]!]!++;
      return new Map(ids.map((id, k) => [id, counts[k]!]));
    },
  };
}

function grown(array: Uint32Array): Uint32Array {
  const next = new Uint32Array(array.length * 2);
  next.set(array);
  return next;
}

/**
 * What would silently drop out of this send, judged on the whole list: summaries nobody gets, roles
 * whose readers get nothing, readers with no section, a week label that disagrees with the folder.
 * One formatted line each, printed before anything is sent.
 */
export function audienceWarnings(
  project: Project,
  audience: AudiencePlan | undefined,
  options: { cwd?: string | undefined; subscribersFile?: string | undefined } = {},
): Problem[] {
  return auditProject(project, audience, options);
}

/** A suppression for a bounce or a complaint is counted as such; any other (unsubscribe, manual) as suppressed. */
export function suppressedKind(reason: string | undefined): 'bounced' | 'complained' | 'suppressed' {
  if (reason && /complain/i.test(reason)) return 'complained';
  if (reason && /bounce/i.test(reason)) return 'bounced';
  return 'suppressed';
}
