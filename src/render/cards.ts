import type { Language, Translate } from '../i18n/index.js';
import type { Summary } from '../model/summary.js';
import {
  compactSummary,
  domainOf,
  firstSentence,
  formatMinutes,
  isMailLink,
  readingMinutes,
  wordCount,
} from './_text.js';
import { collapseSpace, trimSpace } from './minify.js';
import type { CardStyle, CardView, ListSide, SectionView, SharedViews } from './view.js';

/** A summary's card in a digest, kept per language, style and the reader's roles (see view.ts). */

export interface CardContext {
  t: Translate;
  locale: string;
  style: CardStyle;
  summaryHref: (summaryId: string) => string | undefined;
  mine: ReadonlySet<string>;
  anchors: Set<string>;
  contentLang: string | undefined;
  /** The level of each card's title (see CardView). */
  level: 2 | 3;
}

/**
 * Paragraphs split at blank lines (a line of any white space, a pasted no-break space included),
 * the lines of each joined. Only ASCII white space is reflowed: a no-break space (or U+3000,
 * U+202F) inside a line is text the editor chose, as the minifier keeps it.
 */
export function summaryParagraphs(summary: Summary): string[] {
  return summary.summary
    .split(/\n[^\S\n]*\n/)
    .map((p) => trimSpace(collapseSpace(p)))
    .filter((p) => /\S/.test(p));
}

/** What a card takes from its summary alone, worked out once however many variants show it. */
interface SummaryText {
  paragraphs: string[];
  /** The compact card's paragraphs: about 60 words, each kept apart as written, "…" where cut. */
  compact: string[];
  /** The compact card leaves some of the summary out. */
  cut: boolean;
  minutes: number;
  domain: string | undefined;
  teaser: string | undefined;
  /** The card's first anchor, and its roles in lower case (what the reader's are matched by). */
  anchor: string;
  roles: string[];
}

const summaryTexts = new WeakMap<Summary, SummaryText>();

function summaryText(summary: Summary): SummaryText {
  let text = summaryTexts.get(summary);
  if (!text) {
    const paragraphs = summaryParagraphs(summary);
    const compact = compactSummary(paragraphs);
    const words = wordCount([summary.summary, summary.takeaway, ...summary.principles, ...summary.practice].join(' '));
    text = {
      paragraphs,
      compact: compact.shown,
      cut: compact.cut,
      minutes: readingMinutes(words),
      domain: domainOf(summary.url),
      teaser: summary.insights ? firstSentence(summary.insights) : undefined,
      anchor: `rc-${summary.id}`,
      roles: summary.roles.map((name) => name.toLowerCase()),
    };
    summaryTexts.set(summary, text);
  }
  return text;
}

function nextAnchor(summary: Summary, anchors: Set<string>): string {
  let anchor = summaryText(summary).anchor;
  for (let n = 2; anchors.has(anchor); n++) anchor = `rc-${summary.id}-${n}`;
  anchors.add(anchor);
  return anchor;
}

/** A card reads the same in every variant that gives it the same anchor and marks the same roles as the reader's. */
export function sharedCard(shared: SharedViews, summary: Summary, language: Language, context: CardContext): CardView {
  const text = summaryText(summary);
  const anchor = nextAnchor(summary, context.anchors);
  // Which of the card's roles are the reader's: bits of a number, when the card has its first
  // anchor and few enough roles; else spelled out with the anchor. A number never equals a string.
  let key: number | string;
  if (anchor === text.anchor && text.roles.length <= 30) {
    key = 0;
    for (let i = 0; i < text.roles.length; i++) if (context.mine.has(text.roles[i]!)) key |= 1 << i;
  } else {
    key = `${anchor}\u0000`;
    for (let i = 0; i < text.roles.length; i++) key += context.mine.has(text.roles[i]!) ? '1' : '0';
  }
  const kind = `${language}\u0000${context.style}\u0000${context.level}`;
  let byKind = shared.cards.get(summary);
  if (!byKind) {
    byKind = new Map();
    shared.cards.set(summary, byKind);
  }
  let byKey = byKind.get(kind);
  if (!byKey) {
    byKey = new Map();
    byKind.set(kind, byKey);
  }
  let card = byKey.get(key);
  if (!card) {
    card = cardView(summary, context, anchor);
    byKey.set(key, card);
    shared.ids.set(card, ++cardIds);
  }
  return card;
}

/** A section reads the same in every variant that gives it the same role and the same shared cards. */
export function sharedSection(
  shared: SharedViews,
  language: Language,
  role: string,
  cards: CardView[],
  build: (role: string, cards: CardView[]) => SectionView,
): SectionView {
  let key = `${language}\u0000${role}\u0000`;
  for (let i = 0; i < cards.length; i++) key += `${shared.ids.get(cards[i]!)},`;
  let found = shared.sections.get(key);
  if (!found) {
    found = build(role, cards);
    shared.sections.set(key, found);
  }
  return found;
}

/** The tips a compact card shows; the rest are in the full summary. */
export const COMPACT_TIPS = 3;

/** Numbers shared cards for section keys; unique across renderers, so never reused. */
let cardIds = 0;

export function cardView(summary: Summary, context: CardContext, given?: string): CardView {
  const { t, style } = context;
  const { paragraphs, compact, cut, minutes, domain, teaser } = summaryText(summary);
  const href = summary.url ?? context.summaryHref(summary.id);
  const hrefIsArticle = summary.url !== undefined;
  const anchor = given ?? nextAnchor(summary, context.anchors);
  // A cut card whose link is the article says where the rest of the summary is.
  const moreHref = style === 'compact' && cut && hrefIsArticle ? context.summaryHref(summary.id) : undefined;
  const principles = style === 'full' ? summary.principles : [];
  const practice = style === 'full' ? summary.practice : summary.practice.slice(0, COMPACT_TIPS);
  const link = !hrefIsArticle ? SUMMARY_LINK : isMailLink(summary.url) ? MAIL_LINK : ARTICLE_LINK;
  return {
    id: summary.id,
    anchor,
    title: summary.title,
    level: context.level,
    href,
    hrefIsArticle,
    buttonLabel: t(link.label),
    buttonName: t(link.name, { title: summary.title }),
    teaser,
    paragraphs: [...(style === 'full' ? paragraphs : compact)],
    more: moreHref
      ? {
          href: moreHref,
          label: t(SUMMARY_LINK.label),
          name: t(SUMMARY_LINK.name, { title: summary.title }),
        }
      : undefined,
    takeaway: summary.takeaway,
    principles,
    practice,
    topics: summary.topics.join(' · '),
    roles: summary.roles.map((name) => ({ name, mine: context.mine.has(name.toLowerCase()) })),
    source:
      summary.source || domain
        ? { name: summary.source ?? domain ?? '', domain: summary.source ? domain : undefined, href: summary.url }
        : undefined,
    readingTime: t('email.readingTime', { duration: formatMinutes(context.locale, minutes) }),
    minutes,
    style,
    lang: context.contentLang,
    rtl: startsRightToLeft(summary.title),
    principlesSide: listSide(principles),
    practiceSide: listSide(practice),
  };
}

const ARTICLE_LINK = { label: 'email.readArticle', name: 'email.readArticleNamed' } as const;
const MAIL_LINK = { label: 'email.writeEmail', name: 'email.writeEmailNamed' } as const;
const SUMMARY_LINK = { label: 'email.readSummary', name: 'email.readSummaryNamed' } as const;

/**
 * Where a list's bullets go. Each item takes its direction from its own first letter (`dir="auto"`),
 * and its bullet hangs on that side: a list indents on the side its items read from, and on both
 * when they read both ways (English tips under an Arabic title), so no bullet falls outside the card.
 */
function listSide(items: readonly string[]): ListSide {
  let rtl = false;
  let ltr = false;
  for (const item of items) {
    if (!/\p{L}/u.test(item)) continue;
    if (startsRightToLeft(item)) rtl = true;
    else ltr = true;
  }
  return { rtl: rtl && !ltr, both: rtl && ltr };
}

/** Whether the first letter of `text` is of a right-to-left script (as `dir="auto"` decides). */
function startsRightToLeft(text: string): boolean {
  const letter = /\p{L}/u.exec(text)?.[0];
  return letter !== undefined && RTL_LETTER.test(letter);
}

const RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]|[\u{10800}-\u{10fff}]|[\u{1e800}-\u{1efff}]/u;
