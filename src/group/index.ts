import { createHash } from 'node:crypto';
import type { Subscriber } from '../model/subscriber.js';
import type { Summary } from '../model/summary.js';

/**
 * Who gets what, as pure functions of (summaries, role order, subscribers): no I/O, no clock.
 *
 * The rule: a reader gets the sections of the roles they hold, in the issue's role order. A summary
 * appears once per email, under the first of its own roles (in the summary's "Best for" order) that
 * the reader holds. The editor edition holds every summary under its first role.
 */

export interface Section {
  role: string;
  summaries: Summary[];
}

export interface Variant {
  /** Stable, file-name-safe id: `editor`, or role slugs joined by `+`. */
  id: string;
  /** The roles that select this variant's content, in section order; empty for the editor edition. */
  roles: string[];
  isEditorEdition: boolean;
  sections: Section[];
  summaryIds: string[];
  /**
   * How many readers the plan gives it, when planned (planAudience): a role set held by fewer than
   * `tracking.minVariantReaders` leaves its `?v=` out of click links, so a click cannot name them.
   */
  readers?: number;
  /**
   * Whether its click links name it (`?v=`), as the issue's first send decided from `readers`:
   * kept with the issue's layout, so a later run (a resumed send, a reader added since) decides
   * alike and never leaves fewer readers than that holding a `?v=`.
   */
  clickTagged?: boolean | undefined;
}

export const EDITOR_VARIANT_ID = 'editor';

/** Issue role order, then roles not listed there in order of first appearance among the summaries. */
export function effectiveRoleOrder(summaries: readonly Summary[], preferred: readonly string[] = []): string[] {
  const present = new Set(summaries.flatMap((s) => s.roles));
  const order = preferred.filter((role, index) => present.has(role) && preferred.indexOf(role) === index);
  for (const summary of summaries) for (const role of summary.roles) if (!order.includes(role)) order.push(role);
  return order;
}

/** Sections for a reader holding `readerRoles`; `undefined` means the editor edition (every role). */
export function sectionsFor(
  summaries: readonly Summary[],
  roleOrder: readonly string[],
  readerRoles: ReadonlySet<string> | undefined,
): Section[] {
  const byRole = new Map<string, Summary[]>();
  for (const summary of summaries) {
    const home = summary.roles.find((role) => readerRoles === undefined || readerRoles.has(role));
    if (home === undefined) continue;
    const list = byRole.get(home) ?? [];
    list.push(summary);
    byRole.set(home, list);
  }
  return roleOrder.filter((role) => byRole.has(role)).map((role) => ({ role, summaries: byRole.get(role)! }));
}

/** The roles of a reader that matter for this issue, in section order: the variant key. */
export function variantRoles(readerRoles: readonly string[], roleOrder: readonly string[]): string[] {
  const held = new Set(readerRoles);
  return roleOrder.filter((role) => held.has(role));
}

/**
 * Ids a role set's slugs must not take: the editor edition's (a reader holding only a role called
 * "Editor" would get every section) and the index page `rolecast build` writes beside the variants.
 */
const RESERVED_IDS = new Set([EDITOR_VARIANT_ID, 'index']);

export function variantId(roles: readonly string[]): string {
  if (roles.length === 0) return EDITOR_VARIANT_ID;
  const id = roles.map(roleSlug).join('+');
  return RESERVED_IDS.has(id) ? `${id}-${roleListHash(roles)}` : id;
}

/** A short hash of the exact role list, which tells role sets of one slug apart. */
function roleListHash(roles: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(roles)).digest('hex').slice(0, 8);
}

const MAX_ID_LENGTH = 80;

/**
 * Hands out variant ids that are unique per role set. Slugs can collide ("C#" and "C++" both
 * become "c", non-Latin names become "role") and long role sets make long file names, so such ids
 * get a short hash of the exact role list.
 */
export function createVariantIds(issueRoles: readonly string[] = []): (roles: readonly string[]) => string {
  const owners = new Map<string, string>();
  // A role whose slug another role of the issue shares ("Data/ML", "Data ML") is always hashed:
  // otherwise whichever set was met first got the plain id, and a wave or a segment that plans only
  // its own readers gave it to the other set, with the overrides and click counts keyed by it.
  const slugCounts = new Map<string, number>();
  for (const role of new Set(issueRoles)) slugCounts.set(roleSlug(role), (slugCounts.get(roleSlug(role)) ?? 0) + 1);
  const sharesSlug = (role: string) => (slugCounts.get(roleSlug(role)) ?? 0) > 1;
  return (roles) => {
    const key = JSON.stringify(roles);
    let id = variantId(roles);
    const lossy = roles.some(
      (role) => roleSlug(role) === 'role' || sharesSlug(role) || !/^[A-Za-z0-9 /&.,+()-]+$/.test(role),
    );
    if (lossy || id.length > MAX_ID_LENGTH || (owners.has(id) && owners.get(id) !== key)) {
      id = `${id.slice(0, MAX_ID_LENGTH)}-${roleListHash(roles)}`;
    }
    owners.set(id, key);
    return id;
  };
}

export function roleSlug(role: string): string {
  return (
    role
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'role'
  );
}

/**
 * One object for each distinct section (its role and summaries): the role sets of an audience that
 * show the same section share it, so many role sets do not each hold a copy of its list.
 */
export function createSectionInterner(): (section: Section) => Section {
  const seen = new Map<string, Section>();
  return (section) => {
    const key = `${section.role}\u0000${section.summaries.map((summary) => summary.id).join('\u0000')}`;
    const found = seen.get(key);
    if (found) return found;
    seen.set(key, section);
    return section;
  };
}

export function buildVariant(
  summaries: readonly Summary[],
  roleOrder: readonly string[],
  roles: readonly string[] | undefined,
  id: string = roles === undefined ? EDITOR_VARIANT_ID : variantId(roles),
  intern?: (section: Section) => Section,
): Variant {
  const own = sectionsFor(summaries, roleOrder, roles === undefined ? undefined : new Set(roles));
  const sections = intern ? own.map(intern) : own;
  return {
    id,
    roles: roles === undefined ? [] : [...roles],
    isEditorEdition: roles === undefined,
    sections,
    summaryIds: sections.flatMap((s) => s.summaries.map((summary) => summary.id)),
  };
}

export type SkipReason = 'unsubscribed' | 'suppressed' | 'no-content';

export interface AudiencePlan {
  roleOrder: string[];
  editor: Variant;
  /** One variant per distinct set of relevant roles among recipients, in first-seen order. */
  variants: Variant[];
  /** Each eligible subscriber with the id of the variant they receive (empty when planned with `visit`). */
  recipients: { subscriber: Subscriber; variantId: string }[];
  /** Readers left out and why (empty when planned with `visit`). */
  skipped: { subscriber: Subscriber; reason: SkipReason }[];
  /** Counts for the audit, kept whether or not the lists are. */
  tally?: AudienceTally | undefined;
}

/** What the audit needs of an audience, in memory that does not grow with the list. */
export interface AudienceTally {
  recipients: number;
  /** Readers who are mailed, by their roles array. */
  byRoles: Map<readonly string[], number>;
  /** Readers who get nothing: how many, the first few, and how many by their roles array. */
  noContent: NoContentTally;
}

export interface NoContentTally {
  count: number;
  first: Subscriber[];
  byRoles: Map<readonly string[], number>;
  /**
   * The first reader of each roles array: when the first few all hold roles the editor accepted as
   * quiet, the audit still names someone of every other array (memory grows as `byRoles` does).
   */
  examples: Map<readonly string[], Subscriber>;
}

export function emptyNoContentTally(): NoContentTally {
  return { count: 0, first: [], byRoles: new Map(), examples: new Map() };
}

/** Counts a reader who gets nothing into `tally`. */
export function countNoContent(tally: NoContentTally, subscriber: Subscriber): void {
  tally.count++;
  tally.byRoles.set(subscriber.roles, (tally.byRoles.get(subscriber.roles) ?? 0) + 1);
  if (!tally.examples.has(subscriber.roles)) tally.examples.set(subscriber.roles, subscriber);
  if (tally.first.length < NAMED_NO_CONTENT) tally.first.push(subscriber);
}

/** Streams the plan instead of keeping it: one call per reader, in list order. */
export interface AudienceVisitor {
  recipient(subscriber: Subscriber, variantId: string): void;
  skipped(subscriber: Subscriber, reason: SkipReason): void;
}

/** How many no-content readers a tally keeps by name (the audit lists ten). */
const NAMED_NO_CONTENT = 10;

/**
 * Plans the audience: which variant each subscriber gets, and who is skipped and why. Pure, so it
 * can be tested as a table and run on 100k subscribers without touching disk. With `visit`, each
 * reader is handed over as planned and no list is kept: a million readers cost their counts only.
 */
export function planAudience(
  summaries: readonly Summary[],
  preferredOrder: readonly string[],
  subscribers: Iterable<Subscriber>,
  isSuppressed: (email: string) => boolean = () => false,
  visit?: AudienceVisitor,
): AudiencePlan {
  const roleOrder = effectiveRoleOrder(summaries, preferredOrder);
  const variants = new Map<string, Variant>();
  const idFor = createVariantIds(roleOrder);
  const intern = createSectionInterner();
  const recipients: AudiencePlan['recipients'] = [];
  const skipped: AudiencePlan['skipped'] = [];
  const tally: AudienceTally = {
    recipients: 0,
    byRoles: new Map(),
    noContent: emptyNoContentTally(),
  };
  const count = (counts: Map<readonly string[], number>, roles: readonly string[]) =>
    counts.set(roles, (counts.get(roles) ?? 0) + 1);
  const skip = (subscriber: Subscriber, reason: SkipReason) => {
    if (visit) visit.skipped(subscriber, reason);
    else skipped.push({ subscriber, reason });
  };
  // Loaded lists share one roles array per distinct role set: work each out once, not per reader.
  const relevant = new Map<readonly string[], { roles: string[]; key: string }>();
  for (const subscriber of subscribers) {
    if (subscriber.status === 'unsubscribed') {
      skip(subscriber, 'unsubscribed');
      continue;
    }
    if (isSuppressed(subscriber.email)) {
      skip(subscriber, 'suppressed');
      continue;
    }
    let known = relevant.get(subscriber.roles);
    if (!known) {
      const roles = variantRoles(subscriber.roles, roleOrder);
      // Keyed by the exact role list; the id is only a name for it.
      known = { roles, key: roles.join('\u0000') };
      if (relevant.size < 10_000) relevant.set(subscriber.roles, known);
    }
    const { roles, key } = known;
    if (roles.length === 0) {
      countNoContent(tally.noContent, subscriber);
      skip(subscriber, 'no-content');
      continue;
    }
    let variant = variants.get(key);
    if (!variant) {
      variant = buildVariant(summaries, roleOrder, roles, idFor(roles), intern);
      variants.set(key, variant);
    }
    tally.recipients++;
    variant.readers = (variant.readers ?? 0) + 1;
    count(tally.byRoles, subscriber.roles);
    if (visit) visit.recipient(subscriber, variant.id);
    else recipients.push({ subscriber, variantId: variant.id });
  }
  return {
    roleOrder,
    editor: buildVariant(summaries, roleOrder, undefined),
    variants: [...variants.values()],
    recipients,
    skipped,
    tally,
  };
}

/** Without a subscriber list: the editor edition plus one variant per single role. */
export function planSingleRoleVariants(summaries: readonly Summary[], preferredOrder: readonly string[]): Variant[] {
  const roleOrder = effectiveRoleOrder(summaries, preferredOrder);
  const idFor = createVariantIds(roleOrder);
  return roleOrder.map((role) => buildVariant(summaries, roleOrder, [role], idFor([role])));
}
