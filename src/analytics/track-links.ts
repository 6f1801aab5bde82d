import type { ResolvedConfig } from '../config/schema.js';
import { MAX_REQUEST_TARGET } from '../config/served-paths.js';
import { RolecastError } from '../errors.js';
import type { DigestView } from '../render/view.js';
import { type LinkKind, signClickToken } from './token.js';

/**
 * Click tracking as a transform of the built view: every link of a card (article, archive page,
 * source) is replaced by a signed `/c/…` link on `serve`. The unsubscribe, preferences and
 * view-online links are never touched (they are not card links). HTML and plain text render from
 * the same view, so both parts carry the same tracked links.
 */

export interface LinkTracking {
  /** The `/c/` base, ending in a slash. */
  base: string;
  secret: string;
  /** The per-reader placeholder for the send time (see _personal.ts), filled after compiling. */
  sentAt: string;
  /** The placeholder for the role set's signed `?v=` value, filled like the reader's fields. */
  variant: string;
}

/** Tracked copies of shared view objects, per tracking: a card's links are the same in every role set. */
interface Tracked {
  cards: WeakMap<object, Map<string, CardView>>;
  sections: WeakMap<object, SectionView>;
  groups: WeakMap<object, { hrefs: (string | undefined)[]; group: ContentsGroup }>;
}

type SectionView = DigestView['sections'][number];
type CardView = SectionView['cards'][number];
type ContentsGroup = DigestView['contents']['sections'][number];

const trackedBy = new WeakMap<LinkTracking, Map<string, Tracked>>();

/**
 * The longest `?v=…&d=…` a link is given: a variant id has at most 89 characters (80 and a hash,
 * see group/index.ts), signed as base64url, a dot and a 22-character MAC; `d` at most 9.
 */
const LONGEST_SUFFIX = '?v='.length + Math.ceil((89 * 4) / 3) + 1 + 22 + '&d='.length + 9;

/** The `/c/` base beside the unsubscribe endpoint, or `tracking.baseUrl`; undefined when neither is set. */
export function clickBase(config: Pick<ResolvedConfig, 'tracking' | 'urls'>): string | undefined {
  const explicit = config.tracking.baseUrl;
  if (explicit) return explicit.endsWith('/') ? explicit : `${explicit}/`;
  if (!config.urls.unsubscribe) return undefined;
  const base = new URL('c/', config.urls.unsubscribe);
  base.search = '';
  base.hash = '';
  return base.toString();
}

/**
 * The view with every card link tracked; the input is not changed. A card has two links: its own
 * (the article, else its archive page) and its source, and a third, to its archive page, when a
 * compact card cuts its summary. The contents list at the top repeats each
 * card's own link, so it gets the very same tracked link, counted under the card's section role.
 * The tracked copy of a card, section or contents group is made once and reused by every view that
 * shares the object, so role sets keep sharing them.
 */
export function trackLinks<V extends DigestView>(view: V, tracking: LinkTracking | undefined): V {
  if (!tracking) return view;
  const issueId = view.issue.id;
  const byIssue = kept(trackedBy, tracking, () => new Map<string, Tracked>());
  const { cards, sections, groups } = kept(
    byIssue,
    issueId,
    (): Tracked => ({ cards: new WeakMap(), sections: new WeakMap(), groups: new WeakMap() }),
  );
  const suffix = `?v=${tracking.variant}&d=${tracking.sentAt}`;
  const basePath = new URL(tracking.base).pathname;
  const track = (target: string | undefined, summaryId: string, role: string, kind: LinkKind) => {
    if (typeof target !== 'string' || !/^https?:\/\//i.test(target)) return target;
    const token = signClickToken({ issueId, summaryId, role, kind, target }, tracking.secret);
    // A link serve would refuse as too long (a long percent-encoded URL makes a token of ~4/3 its
    // length) would lose the reader's click altogether: such a link is left as written, untracked.
    if (basePath.length + token.length + LONGEST_SUFFIX > MAX_REQUEST_TARGET) return target;
    return `${tracking.base}${token}${suffix}`;
  };
  const trackCard = (card: CardView, role: string): CardView =>
    kept(
      kept(cards, card, () => new Map<string, CardView>()),
      role,
      () => {
        const href = track(card.href, card.id, role, card.hrefIsArticle ? 'article' : 'archive');
        const source = card.source && { ...card.source, href: track(card.source.href, card.id, role, 'source') };
        // A cut compact card's link to the rest of the summary is its archive page.
        const more = card.more && { ...card.more, href: track(card.more.href, card.id, role, 'archive')! };
        return { ...card, href, source, more };
      },
    );
  const byAnchor = new Map<string, string | undefined>();
  const trackedSections = view.sections.map((section) => {
    const found = kept(sections, section, () => ({
      ...section,
      cards: section.cards.map((card) => trackCard(card, section.role)),
    }));
    for (const card of found.cards) byAnchor.set(card.anchor, card.href);
    return found;
  });
  const trackedGroups = view.contents.sections.map((group) => {
    // An entry takes the tracked link of the card its anchor names in this view.
    const hrefs = group.items.map((item) => (byAnchor.has(item.anchor) ? byAnchor.get(item.anchor) : item.href));
    const found = groups.get(group);
    if (found?.hrefs.every((href, i) => href === hrefs[i])) return found.group;
    const tracked = { ...group, items: group.items.map((item, i) => ({ ...item, href: hrefs[i] })) };
    groups.set(group, { hrefs, group: tracked });
    return tracked;
  });
  return { ...view, sections: trackedSections, contents: { ...view.contents, sections: trackedGroups } };
}

/** The value kept under `key`, made and kept on first use. */
function kept<K, V>(map: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, make: () => V): V {
  let found = map.get(key);
  if (found === undefined) {
    found = make();
    map.set(key, found);
  }
  return found;
}

/** The `d` value of a tracked link: the send time in whole seconds, base 36. */
export function encodeSentAt(sentAt: Date | undefined): string {
  return sentAt ? Math.floor(sentAt.getTime() / 1000).toString(36) : '0';
}

export function decodeSentAt(value: string | null): Date | undefined {
  if (!value || !/^[0-9a-z]{1,9}$/.test(value) || value === '0') return undefined;
  return new Date(Number.parseInt(value, 36) * 1000);
}

/**
 * The tracking a render applies: only with `tracking.clicks` on and a signing key (a build or
 * preview without ROLECAST_SECRET shows the plain links). Clicks on with nowhere to send them is
 * a usage error rather than silently untracked mail.
 */
export function linkTracking(
  config: Pick<ResolvedConfig, 'tracking' | 'urls'>,
  secret: string | undefined,
  placeholders: { sentAt: string; clickVariant: string },
): LinkTracking | undefined {
  if (!config.tracking.clicks || !secret) return undefined;
  const base = clickBase(config);
  if (!base) {
    throw new RolecastError('E_USAGE', 'tracking.clicks is on but there is no address for click links', {
      hint: 'set tracking.baseUrl (e.g. https://news.example.com/c/) or urls.unsubscribe in rolecast.config.json',
    });
  }
  return { base, secret, sentAt: placeholders.sentAt, variant: placeholders.clickVariant };
}
