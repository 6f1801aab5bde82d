import type { ResolvedConfig } from '../config/schema.js';
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
}

/** The base of tracked links: `tracking.baseUrl`, else `c/` beside `urls.unsubscribe`; undefined when neither is set. */
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
 * (the article, else its archive page) and its source. The contents list at the top repeats each
 * card's own link, so it gets the very same tracked link, counted under the card's section role.
 */
export function trackLinks<V extends DigestView>(view: V, variantId: string, tracking: LinkTracking | undefined): V {
  if (!tracking) return view;
  const track = (target: string | undefined, summaryId: string, role: string, kind: LinkKind) => {
    if (typeof target !== 'string' || !/^https?:\/\//i.test(target)) return target;
    const claims = { issueId: view.issue.id, summaryId, role, variantId, kind, target };
    return `${tracking.base}${signClickToken(claims, tracking.secret)}?d=${tracking.sentAt}`;
  };
  const byAnchor = new Map<string, string | undefined>();
  const sections = view.sections.map((section) => ({
    ...section,
    cards: section.cards.map((card) => {
      const href = track(card.href, card.id, section.role, card.hrefIsArticle ? 'article' : 'archive');
      byAnchor.set(card.anchor, href);
      const source = card.source && { ...card.source, href: track(card.source.href, card.id, section.role, 'source') };
      return { ...card, href, source };
    }),
  }));
  const contents = {
    ...view.contents,
    sections: view.contents.sections.map((group) => ({
      ...group,
      items: group.items.map((item) => ({
        ...item,
        href: byAnchor.has(item.anchor) ? byAnchor.get(item.anchor) : item.href,
      })),
    })),
  };
  return { ...view, sections, contents };
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
  sentAt: string,
): LinkTracking | undefined {
  if (!config.tracking.clicks || !secret) return undefined;
  const base = clickBase(config);
  if (!base) {
    throw new RolecastError('E_USAGE', 'tracking.clicks is on but there is no address for click links', {
      hint: 'set tracking.baseUrl (e.g. https://news.example.com/c/) or urls.unsubscribe in rolecast.config.json',
    });
  }
  return { base, secret, sentAt };
}
