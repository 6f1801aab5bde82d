import type { ResolvedConfig } from '../config/schema.js';
import type { Variant } from '../group/index.js';
import type { EMAIL_EN } from '../i18n/email.en.js';
import { catalogue, isLocaleOf, type Language, languageOf, type Translate, translator } from '../i18n/index.js';
import type { LoadedIssue } from '../load/issue.js';
import type { Summary } from '../model/summary.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { createCache } from './_cache.js';
import { contrast, fadedOn, mix, textOn, withContrast } from './_colour.js';
import { createFieldTokens, type FieldTokens } from './_personal.js';
import {
  compactSummary,
  domainOf,
  firstSentence,
  formatMinutes,
  isMailLink,
  memo,
  pluralForm,
  readingMinutes,
  wordCount,
} from './_text.js';
import { issueWeek, weekLine } from './dates.js';
import { type LeadText, leadText, rolesLine } from './lead.js';
import { collapseSpace, trimSpace } from './minify.js';

/**
 * The data a template sees for one variant in one language: pure, built from config, issue and
 * variant. Per-reader values are this render's sentinel tokens and are filled in after compiling
 * (see _personal.ts). Every URL a template prints is here, never composed in a template, so a link
 * can be rewritten (tracked, made absolute) in one place.
 */

export type CardStyle = 'compact' | 'full';

export interface CardView {
  id: string;
  /** Fragment id of the card, for the contents list's in-message links. */
  anchor: string;
  title: string;
  /** The card's one link: the article, else its page in the web archive. */
  href: string | undefined;
  /** True when `href` is the article itself, false when it is the archive page. */
  hrefIsArticle: boolean;
  /** Visible button text and its accessible name, which names the story. */
  buttonLabel: string;
  buttonName: string;
  /** One line under the title: the summary's key insight. */
  teaser: string | undefined;
  paragraphs: string[];
  /**
   * The summary's page in the archive, when a compact card leaves some of it out and its own link
   * is the article: the rest of the summary is there.
   */
  more: { href: string; label: string; name: string } | undefined;
  takeaway: string;
  principles: string[];
  practice: string[];
  /** Topics as one muted line ("Costs · Gateways"). */
  topics: string;
  /** Every audience role of the summary; the reader's own are marked. */
  roles: { name: string; mine: boolean }[];
  source: { name: string; domain: string | undefined; href: string | undefined } | undefined;
  readingTime: string;
  minutes: number;
  style: CardStyle;
  /** The language the story is written in (the list's), when the message is in another one. */
  lang: string | undefined;
  /**
   * The story reads right to left (its title's first letter is Hebrew, Arabic or another RTL
   * script): its lists then indent on the right, where their bullets go.
   */
  rtl: boolean;
}

export interface SectionView {
  role: string;
  heading: string;
  /** "2 reads" in the email's language. */
  count: string;
  cards: CardView[];
}

export interface DigestView {
  /**
   * The language of the labels (the catalogue's: "en", "de"), never a region: one compiled message
   * goes to every reader of that language whatever their region, and the catalogue names none.
   */
  lang: string;
  language: Language;
  /**
   * The list's locale, when the message is in another language: summaries, the issue's title,
   * intro and note and the footer's legal line are written in the list's language, and are marked
   * so a screen reader reads them in it (WCAG 3.1.2).
   */
  contentLang: string | undefined;
  brand: { name: string; logoUrl: string | undefined; logoAlt: string };
  /** Small line above the title: the brand, unless the title already says it. */
  kicker: string | undefined;
  colours: Record<string, string>;
  labels: Labels;
  issue: {
    id: string;
    title: string;
    weekLabel: string;
    dateLine: string;
    lead: string;
    intro: string | undefined;
    preheader: string | undefined;
    editorNote: string | undefined;
  };
  subject: string;
  /** Who this edition is for, shown under the title. */
  audience: string;
  isEditorEdition: boolean;
  greeting: string;
  contents: {
    summary: string;
    /** Section names in the contents only when there is more than one section. */
    showHeadings: boolean;
    sections: {
      heading: string;
      /** `rtl`: the story reads right to left, so its bullet goes on the right (see CardView). */
      items: { title: string; anchor: string; href: string | undefined; linkName: string; rtl: boolean }[];
    }[];
  };
  sections: SectionView[];
  sender: { name: string; email: string };
  footer: {
    postalAddress: string;
    legal: string | undefined;
    sentTo: string;
    sentBy: string;
    subscribe: string | undefined;
  };
  unsubscribe: string;
  preferences: string | undefined;
  viewOnline: string | undefined;
}

type EmailKey = keyof typeof EMAIL_EN;
type LabelName = EmailKey extends `email.${infer Name}` ? Name : never;
export type Labels = Record<LabelName, string>;

export interface ViewOptions {
  language?: Language | undefined;
  /** Card style; the editor edition always shows full cards. */
  cardStyle?: CardStyle | undefined;
  /** Where a summary without an article link points; default: its archive page under `urls.archive`. */
  summaryHref?: ((summaryId: string) => string | undefined) | undefined;
  /**
   * Cards and sections already built for other variants of the same render, to reuse: a card or
   * section that reads the same is then the same object, so its template output can be reused too.
   */
  shared?: SharedViews | undefined;
}

/** Card and section views by what makes them differ; one per renderer. */
export interface SharedViews {
  /** By language and style, then by anchor and which of the card's roles are the reader's. */
  cards: WeakMap<Summary, Map<string, Map<number | string, CardView>>>;
  sections: Map<string, SectionView>;
  ids: WeakMap<CardView, number>;
  /** A shared section's entry in the contents list. */
  contents: WeakMap<SectionView, ContentsSection>;
}

export function createSharedViews(): SharedViews {
  return { cards: new WeakMap(), sections: new Map(), ids: new WeakMap(), contents: new WeakMap() };
}

type ContentsSection = DigestView['contents']['sections'][number];

function contentsOf(section: SectionView): ContentsSection {
  return {
    heading: section.heading,
    items: section.cards.map((c) => ({
      title: c.title,
      anchor: c.anchor,
      href: c.href,
      linkName: c.buttonName,
      rtl: c.rtl,
    })),
  };
}

function sharedContents(shared: SharedViews, section: SectionView): ContentsSection {
  let found = shared.contents.get(section);
  if (!found) {
    found = contentsOf(section);
    shared.contents.set(section, found);
  }
  return found;
}

/** The language the list writes in: its config locale's, English when it is not shipped. */
export function listLanguage(config: Pick<ResolvedConfig, 'locale'>): Language {
  return languageOf(config.locale);
}

/** A locale of `language` for formatting: the list's own when it matches, else the language tag. */
export function localeFor(config: Pick<ResolvedConfig, 'locale'>, language: Language): string {
  return listLanguage(config) === language ? config.locale : language;
}

export function buildView(
  config: ResolvedConfig,
  taxonomy: RoleTaxonomy,
  issue: LoadedIssue,
  variant: Variant,
  sentinel: FieldTokens['sentinel'] = createFieldTokens().sentinel,
  options: ViewOptions = {},
): DigestView {
  const language = options.language ?? listLanguage(config);
  const locale = localeFor(config, language);
  const t = translator(language);
  const manifest = issue.manifest;
  const { week } = issueWeek(manifest.date, config.timezone);
  const title = manifest.title ?? config.brand.name;
  const text: LeadText = leadText(
    {
      config,
      manifest,
      summaries: issue.summaries,
      language,
      locale,
      t,
      date: weekLine(manifest.date, locale, config.timezone),
    },
    variant,
  );
  const style: CardStyle = variant.isEditorEdition ? 'full' : (options.cardStyle ?? config.cards.style);
  const summaryHref = options.summaryHref ?? archiveHref(config, issue.id);
  const mine = new Set(variant.roles.map((r) => r.toLowerCase()));
  const anchors = new Set<string>();
  const shared = options.shared;
  // A list whose locale's language has no catalogue writes its stories in that language and its
  // messages' labels in the fallback's: the stories are marked. A list of the labels' language
  // (en-GB for "en") needs no mark: its stories are in the language the message names.
  const listSpeaks = isLocaleOf(config.locale, language);
  const contentLang = listSpeaks ? undefined : config.locale;
  const context: CardContext = { t, locale, style, summaryHref, mine, anchors, contentLang };
  const build = (role: string, cards: CardView[]): SectionView => ({
    role,
    heading: sectionHeading(taxonomy, role, t),
    count: t(`email.reads.${pluralForm(language, cards.length)}`, { count: cards.length }),
    cards,
  });
  let cardCount = 0;
  let minutes = 0;
  // Plain loops: this runs for every variant, mostly before the engine has optimised it.
  const sections: SectionView[] = [];
  for (let i = 0; i < variant.sections.length; i++) {
    const section = variant.sections[i]!;
    const cards: CardView[] = [];
    for (let j = 0; j < section.summaries.length; j++) {
      const summary = section.summaries[j]!;
      const card = shared ? sharedCard(shared, summary, language, context) : cardView(summary, context);
      cardCount++;
      minutes += card.minutes;
      cards.push(card);
    }
    sections.push(shared ? sharedSection(shared, language, section.role, cards, build) : build(section.role, cards));
  }
  // Up to three roles as written; past that, the first two and a count (see rolesLine).
  const roles = variant.roles.length <= 3 ? variant.roles.join(', ') : rolesLine(locale, t, variant.roles);
  return {
    lang: language,
    language,
    contentLang,
    brand: {
      name: config.brand.name,
      logoUrl: config.brand.logoUrl,
      // Every image needs alt text; the brand name is the honest fallback for a logo.
      logoAlt: config.brand.logoAlt ?? config.brand.name,
    },
    kicker: title.toLowerCase() === config.brand.name.toLowerCase() ? undefined : config.brand.name,
    colours: memoPalette(config.brand),
    labels: memo(labelSets, language, () => labels(language)),
    issue: {
      id: issue.id,
      title,
      weekLabel: t('email.weekLabel', { week }),
      dateLine: sentinel.dateLine,
      lead: text.lead,
      intro: text.intro,
      preheader: text.preheader,
      editorNote: manifest.editorNote,
    },
    subject: text.subject,
    audience: variant.isEditorEdition ? t('email.editorEdition') : t('email.forRoles', { roles }),
    isEditorEdition: variant.isEditorEdition,
    greeting: t('email.greeting', { name: sentinel.greetingName }),
    contents: {
      summary: contentsSummary(language, locale, cardCount, minutes),
      showHeadings: sections.length > 1,
      sections: sections.map((s) => (shared ? sharedContents(shared, s) : contentsOf(s))),
    },
    sections,
    sender: { name: config.sender.name, email: config.sender.email },
    footer: {
      postalAddress: config.footer.postalAddress,
      legal: config.footer.legal,
      sentTo: sentinel.sentTo,
      sentBy: t('email.sentBy', { sender: config.sender.name, replyTo: config.replyTo ?? config.sender.email }),
      subscribe: config.urls.subscribe,
    },
    unsubscribe: sentinel.unsubscribe,
    // Links the config can produce for every reader are in the template; the rest are left out.
    preferences: config.urls.preferences ? sentinel.preferences : undefined,
    viewOnline: config.urls.archive ? sentinel.viewOnline : undefined,
  };
}

// Views are built per variant; colours and labels are the same for all of them: one frozen object
// each, shared by every view (and so recognised by identity, see the contrast gate).
const palettes = new WeakMap<ResolvedConfig['brand'], Record<string, string>>();
const labelSets = new Map<Language, Labels>();

function memoPalette(brand: ResolvedConfig['brand']): Record<string, string> {
  let colours = palettes.get(brand);
  if (!colours) {
    colours = Object.freeze(palette(brand));
    palettes.set(brand, colours);
  }
  return colours;
}

/** "5 reads · about 12 min": the same for every variant with as many stories and minutes. */
function contentsSummary(language: Language, locale: string, count: number, minutes: number): string {
  // The locale last: it may hold any character, the rest cannot hold the separator.
  const key = `${language}\u0000${count}\u0000${minutes}\u0000${locale}`;
  let summary = contentsSummaries.get(key);
  if (summary === undefined) {
    const t = translator(language);
    summary = `${t(`email.reads.${pluralForm(language, count)}`, { count })} · ${t('email.about', { duration: formatMinutes(locale, minutes) })}`;
    contentsSummaries.set(key, summary);
  }
  return summary;
}

const contentsSummaries = createCache<string, string>(200);

/** Every `email.*` string of the language, without the prefix, for `{{labels.name}}` in templates. */
function labels(language: Language): Labels {
  const all = catalogue(language) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(all)) if (key.startsWith('email.')) out[key.slice(6)] = value;
  return Object.freeze(out) as Labels;
}

/** A heading from roles.yaml stays as written; the default one comes from the catalogue. */
function sectionHeading(taxonomy: RoleTaxonomy, role: string, t: Translate): string {
  const heading = taxonomy.heading(role);
  return heading === `For ${role}` ? t('email.sectionBand', { role }) : heading;
}

/** The summary's page in the web archive, when the archive has a public address. */
export function archiveHref(config: ResolvedConfig, issueId: string): (summaryId: string) => string | undefined {
  // Asked for per variant, used only for a card not built before: the base is worked out then.
  let base: string | undefined | null = null;
  return (summaryId) => {
    if (base === null) base = config.urls.archive?.replace(/\/+$/, '');
    return base ? `${base}/${encodeURIComponent(issueId)}/${encodeURIComponent(summaryId)}/` : undefined;
  };
}

interface CardContext {
  t: Translate;
  locale: string;
  style: CardStyle;
  summaryHref: (summaryId: string) => string | undefined;
  mine: ReadonlySet<string>;
  anchors: Set<string>;
  contentLang: string | undefined;
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
function sharedCard(shared: SharedViews, summary: Summary, language: Language, context: CardContext): CardView {
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
  const kind = `${language}\u0000${context.style}`;
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
function sharedSection(
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

/** Numbers shared cards for section keys; unique across renderers, so never reused. */
let cardIds = 0;

function cardView(summary: Summary, context: CardContext, given?: string): CardView {
  const { t, style } = context;
  const { paragraphs, compact, cut, minutes, domain, teaser } = summaryText(summary);
  const href = summary.url ?? context.summaryHref(summary.id);
  const hrefIsArticle = summary.url !== undefined;
  const anchor = given ?? nextAnchor(summary, context.anchors);
  // A cut card whose link is the article says where the rest of the summary is.
  const moreHref = style === 'compact' && cut && hrefIsArticle ? context.summaryHref(summary.id) : undefined;
  const link = !hrefIsArticle ? SUMMARY_LINK : isMailLink(summary.url) ? MAIL_LINK : ARTICLE_LINK;
  return {
    id: summary.id,
    anchor,
    title: summary.title,
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
    principles: style === 'full' ? summary.principles : [],
    practice: style === 'full' ? summary.practice : summary.practice.slice(0, 3),
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
  };
}

const ARTICLE_LINK = { label: 'email.readArticle', name: 'email.readArticleNamed' } as const;
const MAIL_LINK = { label: 'email.writeEmail', name: 'email.writeEmailNamed' } as const;
const SUMMARY_LINK = { label: 'email.readSummary', name: 'email.readSummaryNamed' } as const;

/** Whether the first letter of `text` is of a right-to-left script (as `dir="auto"` decides). */
function startsRightToLeft(text: string): boolean {
  const letter = /\p{L}/u.exec(text)?.[0];
  return letter !== undefined && RTL_LETTER.test(letter);
}

const RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]|[\u{10800}-\u{10fff}]|[\u{1e800}-\u{1efff}]/u;

/** Brand colours adjusted so every text/background pair meets WCAG AA (4.5:1). */
export function palette(brand: ResolvedConfig['brand']): Record<string, string> {
  const text = '#1f2937';
  const card = '#ffffff';
  const onPrimary = textOn(brand.primaryColor);
  const button = withContrast(brand.accentColor, '#ffffff');
  return {
    background: brand.backgroundColor,
    primary: brand.primaryColor,
    onPrimary,
    onPrimaryMuted: fadedOn(onPrimary, brand.primaryColor, contrast(onPrimary, brand.primaryColor) > 9 ? 0.25 : 0.1),
    text,
    heading: '#111827',
    muted: withContrast('#5b6472', brand.backgroundColor),
    cardMuted: withContrast('#5b6472', card),
    link: withContrast(brand.primaryColor, card),
    linkOnBackground: withContrast(brand.primaryColor, brand.backgroundColor),
    accent: brand.accentColor,
    takeaway: mix(brand.accentColor, '#ffffff', 0.9),
    button,
    onButton: '#ffffff',
    card,
    // The section band wears the header's colours: unmistakably not a card title.
    band: brand.primaryColor,
    onBand: onPrimary,
    mine: mix(brand.primaryColor, '#ffffff', 0.85),
    onMine: withContrast(brand.primaryColor, mix(brand.primaryColor, '#ffffff', 0.85)),
    rule: mix(brand.backgroundColor, '#000000', 0.1),
    // Dark scheme: fixed surfaces, brand-derived links lightened until they read on them.
    darkBody: '#0f172a',
    darkCard: '#1e293b',
    darkText: '#e2e8f0',
    darkHeading: '#f8fafc',
    darkMuted: '#a3b1c6',
    darkLink: withContrast(mix(brand.primaryColor, '#ffffff', 0.6), '#1e293b'),
    darkBand: '#334155',
    darkTakeaway: '#2b2118',
  };
}

/** Text/background pairs of both colour schemes, for the contrast gate. */
export function contrastPairs(colours: Record<string, string>): { name: string; fg: string; bg: string }[] {
  const c = colours;
  const pairs: [string, string, string][] = [
    ['text on card', c.text!, c.card!],
    ['muted text on card', c.cardMuted!, c.card!],
    ['muted text on background', c.muted!, c.background!],
    ['link on card', c.link!, c.card!],
    ['link on background', c.linkOnBackground!, c.background!],
    ['header text', c.onPrimary!, c.primary!],
    ['header date line', c.onPrimaryMuted!, c.primary!],
    ['button label', c.onButton!, c.button!],
    ['section band', c.onBand!, c.band!],
    ['your role', c.onMine!, c.mine!],
    ['takeaway text', c.text!, c.takeaway!],
    ['dark: text on card', c.darkText!, c.darkCard!],
    ['dark: muted text on card', c.darkMuted!, c.darkCard!],
    ['dark: muted text on body', c.darkMuted!, c.darkBody!],
    ['dark: link on card', c.darkLink!, c.darkCard!],
    ['dark: link on body', c.darkLink!, c.darkBody!],
    ['dark: section band', c.darkHeading!, c.darkBand!],
    ['dark: takeaway text', c.darkText!, c.darkTakeaway!],
  ];
  return pairs.map(([name, fg, bg]) => ({ name, fg, bg }));
}
