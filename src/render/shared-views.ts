import type { Language } from '../i18n/index.js';
import type { Summary } from '../model/summary.js';
import type { CardView, DigestView, SectionView } from './view-types.js';

/** Card and section views by what makes them differ; one per renderer. */
export interface SharedViews {
  /** By language and style, then by anchor and which of the card's roles are the reader's. */
  cards: WeakMap<Summary, Map<string, Map<number | string, CardView>>>;
  sections: Map<string, SectionView>;
  ids: WeakMap<CardView, number>;
  /** A shared section's entry in the contents list. */
  contents: WeakMap<SectionView, ContentsSection>;
  /**
   * Contents entries by what they print: sections that differ only in which roles their cards mark
   * as the reader's (a contents entry shows none of that) share one entry, so its output in the
   * contents list is worked out once, not once per role set.
   */
  contentsByText: Map<string, ContentsSection>;
}

export function createSharedViews(): SharedViews {
  return {
    cards: new WeakMap(),
    sections: new Map(),
    ids: new WeakMap(),
    contents: new WeakMap(),
    contentsByText: new Map(),
  };
}

export type ContentsSection = DigestView['contents']['sections'][number];

export function contentsOf(section: SectionView): ContentsSection {
  return {
    heading: section.heading,
    headingParts: section.headingParts,
    items: section.cards.map((c) => ({
      title: c.title,
      anchor: c.anchor,
      href: c.href,
      linkName: c.buttonName,
      rtl: c.rtl,
    })),
  };
}

export function sharedContents(shared: SharedViews, language: Language, section: SectionView): ContentsSection {
  let found = shared.contents.get(section);
  if (!found) {
    const entry = contentsOf(section);
    const key = `${language}\u0000${contentsKey(entry)}`;
    found = shared.contentsByText.get(key);
    if (!found) {
      found = entry;
      shared.contentsByText.set(key, entry);
    }
    shared.contents.set(section, found);
  }
  return found;
}

/**
 * Every value a contents entry holds, so two entries with one key read the same. JSON keeps each
 * value apart whatever characters a heading or title holds (roles.yaml headings may hold any).
 */
export function contentsKey(entry: ContentsSection): string {
  return JSON.stringify([
    entry.heading,
    entry.headingParts,
    entry.items.map((item) => [item.title, item.anchor, item.href ?? null, item.linkName, item.rtl]),
  ]);
}
