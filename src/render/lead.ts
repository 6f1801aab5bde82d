import Handlebars from 'handlebars';
import type { ResolvedConfig } from '../config/schema.js';
import { RolecastError } from '../errors.js';
import type { Variant } from '../group/index.js';
import type { Language, Translate } from '../i18n/index.js';
import type { IssueManifest } from '../model/issue.js';
import type { Summary } from '../model/summary.js';
import { firstSentence, keywords, memo, pluralForm } from './_text.js';
import { issueWeek } from './dates.js';

/**
 * The words a reader sees before opening: subject, preheader and the intro's first line, built
 * per variant from the variant's own stories. The issue's text, or an override for the variant or
 * one of its roles, takes their place where given.
 */

type Override = NonNullable<IssueManifest['overrides']>[string];

/** A variant id's entry wins; then the first of the variant's roles with the field set. */
export function overrideFor(manifest: IssueManifest, variant: Variant): Override {
  const entries = manifest.overrides ?? {};
  const byId = variant.isEditorEdition ? undefined : entries[variant.id];
  const byRole = variant.roles.map((role) => entries[role]).filter((e): e is Override => e !== undefined);
  const pick = <K extends keyof Override>(key: K): Override[K] =>
    byId?.[key] ?? byRole.find((entry) => entry[key] !== undefined)?.[key];
  return { subject: pick('subject'), preheader: pick('preheader'), intro: pick('intro') };
}

export function variantSummaries(variant: Variant): Summary[] {
  const seen = new Set<string>();
  const out: Summary[] = [];
  for (const section of variant.sections) {
    for (const summary of section.summaries) {
      if (seen.has(summary.id)) continue;
      seen.add(summary.id);
      out.push(summary);
    }
  }
  return out;
}

/** Summaries of the issue that `text` names although the variant does not contain them. */
export function absentMentions(text: string, variant: Variant, all: readonly Summary[]): Summary[] {
  const named = namedIn(text, all);
  if (named.length === 0) return [];
  const present = variantSummaries(variant);
  const presentIds = new Set(present.map((s) => s.id));
  const known = (word: string) => present.some((s) => summaryWords(s).all.has(word));
  return named
    .filter(({ summary, words }) => !presentIds.has(summary.id) && words.some((word) => !known(word)))
    .map(({ summary }) => summary);
}

/**
 * The summaries `text` names, each with the naming words the text says, in issue order: worked out
 * once per text, so a variant only checks the few candidates against its own stories.
 */
const namedTexts = new WeakMap<readonly Summary[], Map<string, { summary: Summary; words: string[] }[]>>();

function namedIn(text: string, all: readonly Summary[]): { summary: Summary; words: string[] }[] {
  let byText = namedTexts.get(all);
  if (!byText) {
    byText = new Map();
    namedTexts.set(all, byText);
  }
  let found = byText.get(text);
  if (!found) {
    const said = keywords(text);
    found = [];
    for (const summary of all) {
      const words = [...summaryWords(summary).named].filter((word) => said.has(word));
      if (words.length) found.push({ summary, words });
    }
    if (byText.size >= 1000) byText.clear();
    byText.set(text, found);
  }
  return found;
}

/** A summary's keywords: all of its text, and what names it (title and topics); asked for per variant. */
const wordsOf = new WeakMap<Summary, { all: Set<string>; named: Set<string> }>();

function summaryWords(s: Summary): { all: Set<string>; named: Set<string> } {
  let words = wordsOf.get(s);
  if (!words) {
    words = {
      all: keywords(
        [s.title, s.summary, s.takeaway, s.insights, ...s.topics, ...s.principles, ...s.practice].join(' '),
      ),
      named: keywords([s.title, ...s.topics].join(' ')),
    };
    wordsOf.set(s, words);
  }
  return words;
}

export interface LeadText {
  subject: string;
  preheader: string | undefined;
  /** The intro's first line: what this reader gets, led by the top story. */
  lead: string;
  intro: string | undefined;
}

export interface LeadContext {
  config: ResolvedConfig;
  manifest: IssueManifest;
  summaries: readonly Summary[];
  language: Language;
  locale: string;
  t: Translate;
  /** The issue's date line in the list's locale, for {{date}} in the subject. */
  date: string;
}

const PREHEADER_LENGTH = 140;

export function leadText(context: LeadContext, variant: Variant): LeadText {
  const { manifest, t, language, locale, summaries } = context;
  const stories = variantSummaries(variant);
  const top = stories[0]?.title ?? manifest.title ?? context.config.brand.name;
  const count = stories.length;
  const roles = variant.isEditorEdition ? t('email.allRoles') : listFormat(locale, variant.roles);
  const override = overrideFor(manifest, variant);
  const leadLine = t(`email.subjectLead.${pluralForm(language, count)}`, { top, more: count - 1 });
  const subject = renderSubject(override.subject ?? manifest.subject, {
    lead: leadLine,
    top,
    count,
    more: count - 1,
    roles,
    week: issueWeek(manifest.date, context.config.timezone).week,
    date: context.date,
    title: manifest.title ?? context.config.brand.name,
    brand: context.config.brand.name,
  });
  // The issue's preheader describes the whole issue: a reader gets it only when it names nothing they lack.
  const issuePreheader =
    manifest.preheader &&
    (variant.isEditorEdition || absentMentions(manifest.preheader, variant, summaries).length === 0)
      ? manifest.preheader
      : undefined;
  const preheader = override.preheader ?? issuePreheader ?? builtPreheader(t, stories);
  const lead = variant.isEditorEdition
    ? t('email.leadEditor', { count, top })
    : t(`email.lead.${pluralForm(language, count)}`, { count, roles, top });
  return { subject, preheader, lead, intro: override.intro ?? manifest.intro };
}

function builtPreheader(t: Translate, stories: readonly Summary[]): string | undefined {
  const [first, ...rest] = stories;
  if (!first) return undefined;
  if (rest.length === 0) {
    const line = firstSentence(first.insights || first.takeaway || first.summary);
    return line.length > PREHEADER_LENGTH ? `${line.slice(0, PREHEADER_LENGTH - 1).trimEnd()}…` : line;
  }
  let titles = '';
  for (const story of rest) {
    const next = titles ? `${titles} · ${story.title}` : story.title;
    if (titles && next.length > PREHEADER_LENGTH) break;
    titles = next;
  }
  return t('email.preheaderAlso', { titles });
}

const listFormats = new Map<string, Intl.ListFormat>();

function listFormat(locale: string, items: readonly string[]): string {
  try {
    return memo(listFormats, locale, () => new Intl.ListFormat(locale, { type: 'conjunction' })).format(items);
  } catch {
    return items.join(', ');
  }
}

const subjectTemplates = new Map<string, Handlebars.TemplateDelegate>();

/** Subject from a Handlebars template; plain text, one line. */
export function renderSubject(source: string, values: Record<string, string | number>): string {
  let template = subjectTemplates.get(source);
  if (!template) {
    try {
      template = Handlebars.create().compile(source, { noEscape: true, strict: false });
      template({});
    } catch (cause) {
      throw new RolecastError('E_TEMPLATE', `the issue subject is not a valid template: ${(cause as Error).message}`, {
        cause,
      });
    }
    subjectTemplates.set(source, template);
  }
  return template(values)
    .replace(/[\r\n]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
