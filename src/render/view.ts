import type { ResolvedConfig } from '../config/schema.js';
import type { Variant } from '../group/index.js';
import { catalogue, isLocaleOf, type Language, languageOf, type Translate, translator } from '../i18n/index.js';
import type { LoadedIssue } from '../load/issue.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { createCache } from './_cache.js';
import { createFieldTokens, type FieldTokens } from './_personal.js';
import { formatMinutes, memo, pluralForm } from './_text.js';
import { type CardContext, cardView, sharedCard, sharedSection } from './cards.js';
import { issueWeek, weekLine } from './dates.js';
import { type LeadText, leadText } from './lead.js';
import { memoPalette } from './palette.js';
import { rolesLine } from './role-list.js';
import { contentsOf, sharedContents } from './shared-views.js';
import type { CardStyle, CardView, DigestView, Labels, SectionView, ViewOptions } from './view-types.js';

export type { ContentsSection, SharedViews } from './shared-views.js';
export { contentsKey, createSharedViews } from './shared-views.js';
export type { CardStyle, CardView, DigestView, Labels, ListSide, SectionView, ViewOptions } from './view-types.js';

/**
 * The data a template sees for one variant in one language: pure, built from config, issue and
 * variant. Per-reader values are this render's sentinel tokens and are filled in after compiling
 * (see _personal.ts). Every URL a template prints is here, never composed in a template, so a link
 * can be rewritten (tracked, made absolute) in one place.
 */

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
    ...sectionHeading(taxonomy, role, t),
    count: t(`email.reads.${pluralForm(language, cards.length)}`, { count: cards.length }),
    cards,
  });
  let cardCount = 0;
  let minutes = 0;
  // Plain loops: this runs for every variant, mostly before the engine has optimised it.
  const sections: SectionView[] = [];
  for (let i = 0; i < variant.sections.length; i++) {
    const section = variant.sections[i]!;
    const cardContext = sectionContext(context, section.role);
    const cards: CardView[] = [];
    for (let j = 0; j < section.summaries.length; j++) {
      const summary = section.summaries[j]!;
      const card = shared ? sharedCard(shared, summary, language, cardContext) : cardView(summary, cardContext);
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

/**
 * The cards of a role's section mark the reader's other roles only: the section's band (or, in a copy
 * of one section, the lead) names its role, and a reader of six roles saw "(your role)" on nearly
 * every card. What is left marked says something: this story is for another of your roles too.
 */
function sectionContext(context: CardContext, role: string): CardContext {
  const key = role.toLowerCase();
  if (!context.mine.has(key)) return context;
  const mine = new Set(context.mine);
  mine.delete(key);
  return { ...context, mine };
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
  return contentsSummaries.getOrSet(key, () => {
    const t = translator(language);
    const all = t(`email.reads.${pluralForm(language, count)}`, { count });
    const reads = full === count ? all : t('email.readsInFull', { reads: all, full });
    return `${reads} · ${t('email.about', { duration: formatMinutes(locale, minutes) })}`;
  });
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
function sectionHeading(
  taxonomy: RoleTaxonomy,
  role: string,
  t: Translate,
): Pick<SectionView, 'heading' | 'headingParts'> {
  const heading = taxonomy.heading(role);
  if (heading !== `For ${role}`) return { heading, headingParts: { before: '', name: heading, after: '' } };
  const [before = '', after = ''] = t('email.sectionBand', { role: '\u0000' }).split('\u0000');
  return { heading: t('email.sectionBand', { role }), headingParts: { before, name: role, after } };
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
