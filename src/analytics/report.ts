import { boundByReaders, cmp } from './bound.js';
import type { IssueFacts } from './store.js';
import { recordedClicks } from './tracked.js';

/**
 * `rolecast report`: a pure function from stored facts to numbers, so the CLI, the preview and the
 * tests show the same figures. One issue or several (`--since`) are summed the same way.
 */

export interface Counts {
  recipients: number;
  delivered: number;
  bounced: number;
  complained: number;
  unsubscribed: number;
  /** Clicks that counted (scanners filtered), and of those the first per client and link. */
  clicks: number;
  unique: number;
}

export interface LinkRow {
  summaryId: string;
  /** The section the summary was read in. */
  role: string;
  /** Readers who got the summary in that section (delivered messages). */
  readers: number;
  clicks: number;
  unique: number;
  /** unique / readers; 0 with no readers. */
  rate: number;
}

export interface MisTagged {
  summaryId: string;
  taggedRoles: string[];
  /** The role, not among the summary's tags, that most of its clicking readers hold. */
  role: string;
  share: number;
  /** That role's share of the readers who got the summary: what the clicks would show without a lean. */
  readerShare: number;
  unique: number;
}

export interface QuietRole {
  role: string;
  /** Issues in which the role had a section that reached readers. */
  issues: number;
  readers: number;
}

export interface Report {
  issues: string[];
  total: Counts;
  byRole: ({ role: string } & Counts)[];
  byVariant: ({ variantId: string; roles: string[] } & Counts)[];
  /**
   * Roles of today's roles.yaml that no reader got a section of (no summary for them, or no reader
   * holding them): a role missing from `byRole` is said to be missing, not left out in silence.
   */
  unreachedRoles: string[];
  links: LinkRow[];
  feedback: { misTagged: MisTagged[]; quietRoles: QuietRole[]; quietOver: number };
}

export interface ReportOptions {
  /** Facts of the issues the "no clicks" feedback looks over (the last N); default: the reported ones. */
  history?: IssueFacts[];
  /** A summary needs this many unique clicks before its tagging is judged. */
  minClicks?: number;
  /** Share of a summary's clicks from one untagged role that flags it. */
  misTagShare?: number;
  /** Today's roles (roles.yaml): those no delivery reached are named in `unreachedRoles`. */
  roles?: readonly string[];
}

const zero = (): Counts => ({
  recipients: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  unsubscribed: 0,
  clicks: 0,
  unique: 0,
});

export function buildReport(issues: readonly IssueFacts[], options: ReportOptions = {}): Report {
  const selected = issues.map(boundByReaders);
  const total = zero();
  const byRole = new Map<string, Counts>();
  const byVariant = new Map<string, { roles: string[] } & Counts>();
  const links = new Map<string, LinkRow>();
  const roleCounts = (role: string) => getOr(byRole, role, zero);

  for (const facts of selected) {
    const variants = new Map(facts.variants.map((v) => [v.id, v]));
    for (const d of facts.deliveries) {
      const roles = variants.get(d.variantId)?.roles ?? [];
      const targets = [total, getOr(byVariant, d.variantId, () => ({ roles, ...zero() })), ...roles.map(roleCounts)];
      for (const counts of targets) add(counts, d);
      const layout = variants.get(d.variantId);
      for (const section of layout?.sections ?? [])
        for (const summaryId of section.summaryIds) linkRow(links, summaryId, section.role).readers += d.delivered;
    }
    for (const c of facts.clicks) {
      const counted = { clicks: c.clicks, unique: c.unique };
      const variantId = clickedVariant(c, variants);
      for (const counts of [total, roleCounts(c.role), getOr(byVariant, variantId, () => ({ roles: [], ...zero() }))])
        add(counts, counted);
      const row = linkRow(links, c.summaryId, c.role);
      row.clicks += c.clicks;
      row.unique += c.unique;
    }
  }
  const linkRows = [...links.values()].map((row) => ({ ...row, rate: row.readers ? row.unique / row.readers : 0 }));
  linkRows.sort(
    (a, b) => b.rate - a.rate || b.unique - a.unique || cmp(a.summaryId, b.summaryId) || cmp(a.role, b.role),
  );
  // An issue that recorded no click at all was sent with tracking off (or is not read yet): its
  // silence says nothing about any role, so only issues with some click are judged.
  const history = (options.history?.map(boundByReaders) ?? [...selected]).filter(recordedClicks);
  return {
    issues: selected.map((f) => f.issueId),
    total,
    byRole: sortedEntries(byRole).map(([role, counts]) => ({ role, ...counts })),
    byVariant: sortedEntries(byVariant).map(([variantId, counts]) => ({ variantId, ...counts })),
    unreachedRoles: (options.roles ?? []).filter((role) => !byRole.get(role)?.recipients),
    links: linkRows,
    feedback: {
      misTagged: misTagged(selected, options.minClicks ?? 3, options.misTagShare ?? 0.5),
      quietRoles: quietRoles(history),
      quietOver: history.length,
    },
  };
}

/**
 * Summaries whose unique clicks come mostly from readers holding a role the summary is not tagged
 * for, more than that role's share of the readers who got it: the clicks are not just its
 * audience. A reader's roles are their variant's roles, so no reader identity is needed.
 */
function misTagged(selected: readonly IssueFacts[], minClicks: number, share: number): MisTagged[] {
  const tagged = new Map<string, string[]>();
  const clicks = new Map<string, Map<string, number>>();
  const readers = new Map<string, Map<string, number>>();
  const bump = (map: Map<string, Map<string, number>>, id: string, role: string, n: number) => {
    const roles = getOr(map, id, () => new Map<string, number>());
    roles.set(role, (roles.get(role) ?? 0) + n);
  };
  for (const facts of selected) {
    for (const s of facts.summaries) tagged.set(s.id, s.roles);
    const variants = new Map(facts.variants.map((v) => [v.id, v]));
    for (const d of facts.deliveries) {
      const v = variants.get(d.variantId);
      for (const id of new Set(v?.sections.flatMap((s) => s.summaryIds)))
        for (const role of ['', ...(v?.roles ?? [])]) bump(readers, id, role, d.delivered);
    }
    for (const c of facts.clicks) {
      // A click without its role set says nothing about who clicked: left out of the shares.
      const variantId = clickedVariant(c, variants);
      if (!variantId) continue;
      for (const role of ['', ...(variants.get(variantId)?.roles ?? [])]) bump(clicks, c.summaryId, role, c.unique);
    }
  }
  const found: MisTagged[] = [];
  for (const [summaryId, byRole] of clicks) {
    const unique = byRole.get('') ?? 0;
    if (unique < minClicks) continue;
    const tags = tagged.get(summaryId) ?? [];
    const reached = readers.get(summaryId);
    const base = (role: string) => (reached?.get(role) ?? 0) / (reached?.get('') || 1);
    const candidates = [...byRole]
      .filter(([role, n]) => role !== '' && !tags.includes(role) && n / unique > share && n / unique > base(role))
      .sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));
    const [role, n] = candidates[0] ?? [];
    if (role !== undefined && n !== undefined)
      found.push({ summaryId, taggedRoles: tags, role, share: n / unique, readerShare: base(role), unique });
  }
  return found.sort((a, b) => b.share - a.share || cmp(a.summaryId, b.summaryId));
}

/**
 * Roles whose sections reached readers in the given issues (those that recorded clicks: see
 * buildReport) and drew no click at all.
 */
function quietRoles(history: readonly IssueFacts[]): QuietRole[] {
  if (history.length === 0) return [];
  const seen = new Map<string, QuietRole>();
  const clicked = new Set<string>();
  for (const facts of history) {
    const delivered = new Map(facts.deliveries.map((d) => [d.variantId, d.delivered]));
    const inIssue = new Map<string, number>();
    for (const v of facts.variants)
      for (const s of v.sections) inIssue.set(s.role, (inIssue.get(s.role) ?? 0) + (delivered.get(v.id) ?? 0));
    for (const [role, readers] of inIssue) {
      if (readers === 0) continue;
      const entry = getOr(seen, role, () => ({ role, issues: 0, readers: 0 }));
      entry.issues += 1;
      entry.readers += readers;
    }
    for (const c of facts.clicks) if (c.clicks > 0) clicked.add(c.role);
  }
  return [...seen.values()].filter((r) => !clicked.has(r.role)).sort((a, b) => cmp(a.role, b.role));
}

/**
 * The role set a click counts under: the one its link named, unless that role set's recorded
 * layout never showed the summary under the click's section role (a `v` value moved onto another
 * link), or none was named; then none ('').
 */
function clickedVariant(
  click: { summaryId: string; role: string; variantId: string },
  variants: ReadonlyMap<string, IssueFacts['variants'][number]>,
): string {
  const layout = variants.get(click.variantId);
  if (!layout) return click.variantId;
  const shown = layout.sections.some((s) => s.role === click.role && s.summaryIds.includes(click.summaryId));
  return shown ? click.variantId : '';
}

function linkRow(rows: Map<string, LinkRow>, summaryId: string, role: string): LinkRow {
  return getOr(rows, `${summaryId}\n${role}`, () => ({ summaryId, role, readers: 0, clicks: 0, unique: 0, rate: 0 }));
}

const COUNT_KEYS = ['recipients', 'delivered', 'bounced', 'complained', 'unsubscribed', 'clicks', 'unique'] as const;

function add(into: Counts, from: Partial<Counts>): void {
  for (const key of COUNT_KEYS) into[key] += from[key] ?? 0;
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function sortedEntries<V>(map: Map<string, V>): [string, V][] {
  return [...map].sort((a, b) => cmp(a[0], b[0]));
}
