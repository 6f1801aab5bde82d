import type { ResolvedConfig } from '../config/schema.js';
import type { Variant } from '../group/index.js';
import type { EMAIL_EN } from '../i18n/email.en.js';
import { catalogue, isLocaleOf, type Language, languageOf, type Translate, translator } from '../i18n/index.js';
import type { LoadedIssue } from '../load/issue.js';
import type { Summary } from '../model/summary.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { createCache } from './_cache.js';
import { createFieldTokens, type FieldTokens } from './_personal.js';
import { formatMinutes, memo, pluralForm } from './_text.js';
import { type CardContext, cardView, sharedCard, sharedSection } from './cards.js';
import { issueWeek, weekLine } from './dates.js';
import type { HeadlinesView } from './headline-cut.js';
import { type LeadText, leadText } from './lead.js';
import { memoPalette } from './palette.js';
import { rolesLine } from './role-list.js';

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
  /**
   * The title's heading level: 3 under a section band (an h2), else 2, as the contents' and the
   * headlines' headings are, so a screen reader's list of headings never puts a story under "In this issue".
   */
  level: 2 | 3;
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
  /** The story reads right to left: its title's first letter is Hebrew, Arabic or another RTL script. */
  rtl: boolean;
  /** Where the bullets of `principles` and of `practice` go (see ListSide). */
  principlesSide: ListSide;
  practiceSide: ListSide;
}

/**
 * Where a list's bullets go: each item reads from its own first letter, so a list indents on the
 * right when every item reads right to left (`rtl`), and on both sides when its items read both
 * ways (`both`); else on the left.
 */
export interface ListSide {
  rtl: boolean;
  both: boolean;
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
  /**
   * Whether each section opens with a band naming its role: a reader of one section has it named by
   * the lead and its reads counted by the contents; the editor edition names no role elsewhere.
   */
  showBands: boolean;
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
  /** The stories a copy over the clip limit lists by headline after its full cards (see headline-cut.ts). */
  headlines?: HeadlinesView | undefined;
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

function sharedContents(shared: SharedViews, language: Language, section: SectionView): ContentsSection {
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
    entry.items.map((item) => [item.title, item.anchor, item.href ?? null, item.linkName, item.rtl]),
  ]);
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
  const showBands = variant.isEditorEdition || variant.sections.length > 1;
  const level = showBands ? 3 : 2;
  const context: CardContext = { t, locale, style, summaryHref, mine, anchors, contentLang, level };
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
    showBands,
    greeting: t('email.greeting', { name: sentinel.greetingName }),
    contents: {
      summary: contentsSummary(language, locale, cardCount, minutes),
      showHeadings: sections.length > 1,
      sections: sections.map((s) => (shared ? sharedContents(shared, language, s) : contentsOf(s))),
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

// Views are built per variant; labels are the same for all of them: one object per language,
// shared by every view.
const labelSets = new Map<Language, Labels>();

/**
 * "5 reads · about 12 min": the same for every variant with as many stories and minutes. A copy cut
 * to headlines (`full` of them in full) says so, its minutes those of its full cards: "20 reads, 9
 * in full · about 9 mins".
 */
export function contentsSummary(
  language: Language,
  locale: string,
  count: number,
  minutes: number,
  full: number = count,
): string {
  // The locale last: it may hold any character, the rest cannot hold the separator.
  const key = `${language}\u0000${count}\u0000${full}\u0000${minutes}\u0000${locale}`;
  let summary = contentsSummaries.get(key);
  if (summary === undefined) {
    const t = translator(language);
    const all = t(`email.reads.${pluralForm(language, count)}`, { count });
    const reads = full === count ? all : t('email.readsInFull', { reads: all, full });
    summary = `${reads} · ${t('email.about', { duration: formatMinutes(locale, minutes) })}`;
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
