import Handlebars from 'handlebars';
import type { ResolvedConfig } from '../config/schema.js';
import { RolecastError } from '../errors.js';
import type { Variant } from '../group/index.js';
import type { Language, Translate } from '../i18n/index.js';
import { closeIsolates } from '../model/_fields.js';
import type { IssueManifest, SubjectValue } from '../model/issue.js';
import type { Summary } from '../model/summary.js';
import { type Cache, createCache } from './_cache.js';
import { firstSentence, identity, keywords, memo, pluralForm } from './_text.js';
import { issueWeek } from './dates.js';

/**
 * The words a reader sees before opening: subject, preheader and the intro's first line, built
 * per variant from the variant's own stories. The issue's text, or an override for the variant or
 * one of its roles, takes their place where given.
 */

type Override = NonNullable<IssueManifest['overrides']>[string];

/** A variant id's entry wins; then the first of the variant's roles with the field set. */
export function overrideFor(manifest: IssueManifest, variant: Variant): Override {
  const entries = manifest.overrides;
  if (!entries) return { subject: undefined, preheader: undefined, intro: undefined };
  const byId = variant.isEditorEdition ? undefined : entries[variant.id];
  const byRole = variant.roles.map((role) => entries[role]).filter((e): e is Override => e !== undefined);
  const pick = <K extends keyof Override>(key: K): Override[K] =>
    byId?.[key] ?? byRole.find((entry) => entry[key] !== undefined)?.[key];
  return { subject: pick('subject'), preheader: pick('preheader'), intro: pick('intro') };
}

export function variantSummaries(variant: Variant): Summary[] {
  const out: Summary[] = [];
  // A variant holds a handful of stories: looking back through them is cheaper than a set.
  let seen: Set<string> | undefined;
  // Index loops: this runs for every variant, mostly before the engine has optimised it.
  const sections = variant.sections;
  for (let i = 0; i < sections.length; i++) {
    const summaries = sections[i]!.summaries;
    for (let j = 0; j < summaries.length; j++) {
      const summary = summaries[j]!;
      if (out.length > 16) {
        seen ??= new Set(out.map((s) => s.id));
        if (seen.has(summary.id)) continue;
        seen.add(summary.id);
      } else if (holds(out, summary.id)) continue;
      out.push(summary);
    }
  }
  return out;
}

/**
 * Which stories a variant holds, as a key: the bits of their places in the issue's list when all
 * of them are in it and it is short, else their identities, sorted (a number never equals a string).
 */
function storiesKey(present: readonly Summary[], all: readonly Summary[]): number | string {
  let places = placesIn.get(all);
  if (!places) {
    places = new Map(all.length <= 30 ? all.map((summary, place) => [summary, place]) : []);
    placesIn.set(all, places);
  }
  let bits = 0;
  for (let i = 0; i < present.length; i++) {
    const place = places.get(present[i]!);
    if (place === undefined) {
      return present
        .map(identity)
        .sort((a, b) => a - b)
        .join(',');
    }
    bits |= 1 << place;
  }
  return bits;
}

const placesIn = new WeakMap<readonly Summary[], Map<Summary, number>>();

function holds(stories: readonly Summary[], id: string): boolean {
  for (let i = 0; i < stories.length; i++) if (stories[i]!.id === id) return true;
  return false;
}

/** Summaries of the issue that `text` names although the variant does not contain them. */
export function absentMentions(text: string, variant: Variant, all: readonly Summary[]): Summary[] {
  return absentAmong(text, variantSummaries(variant), all);
}

/**
 * `absentMentions` for the variant's stories (see `variantSummaries`). The answer depends only on
 * the text and which stories the variant holds, and many role sets hold the same stories: it is
 * kept by those, the stories named by identity.
 */
export function absentAmong(text: string, present: readonly Summary[], all: readonly Summary[]): Summary[] {
  const { named, absent } = namedIn(text, all);
  if (named.length === 0) return [];
  const key = storiesKey(present, all);
  let found = absent.get(key);
  if (!found) {
    const presentIds = new Set(present.map((s) => s.id));
    const known = (word: string) => present.some((s) => summaryWords(s).all.has(word));
    found = named
      .filter(({ summary, words }) => !presentIds.has(summary.id) && words.some((word) => !known(word)))
      .map(({ summary }) => summary);
    absent.set(key, found);
  }
  return [...found];
}

interface NamedIn {
  named: { summary: Summary; words: string[] }[];
  /** What the text names that a variant lacks, by the variant's stories (see `storiesKey`). */
  absent: Cache<number | string, Summary[]>;
}

/**
 * The summaries `text` names, each with the naming words the text says, in issue order: worked out
 * once per text, so a variant only checks the few candidates against its own stories.
 */
const namedTexts = new WeakMap<readonly Summary[], Map<string, NamedIn>>();

function namedIn(text: string, all: readonly Summary[]): NamedIn {
  let byText = namedTexts.get(all);
  if (!byText) {
    byText = new Map();
    namedTexts.set(all, byText);
  }
  let found = byText.get(text);
  if (!found) {
    const said = keywords(text);
    found = { named: [], absent: createCache(200) };
    for (const summary of all) {
      const words = [...summaryWords(summary).named].filter((word) => said.has(word));
      if (words.length) found.named.push({ summary, words });
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
  const roles = variant.isEditorEdition ? t('email.allRoles') : rolesLine(locale, t, variant.roles);
  const override = overrideFor(manifest, variant);
  const leadLine = t(`email.subjectLead.${pluralForm(language, count)}`, { top, more: count - 1 });
  const week = issueWeek(manifest.date, context.config.timezone).week;
  const subject = renderSubject(override.subject ?? manifest.subject, {
    lead: leadLine,
    top,
    count,
    more: count - 1,
    roles,
    week,
    // In the message's language, as the lead is: a subject's own words are the same in every language.
    weekLabel: t('email.weekLabel', { week }),
    date: context.date,
    title: manifest.title ?? context.config.brand.name,
    brand: context.config.brand.name,
  } satisfies Record<SubjectValue, string | number>);
  // The issue's preheader describes the whole issue: a reader gets it only when it names nothing they lack.
  const issuePreheader =
    manifest.preheader && (variant.isEditorEdition || absentAmong(manifest.preheader, stories, summaries).length === 0)
      ? manifest.preheader
      : undefined;
  const preheader = override.preheader ?? issuePreheader ?? builtPreheader(t, stories);
  const lead = variant.isEditorEdition
    ? count === 1
      ? t('email.leadEditorOne', { top })
      : t('email.leadEditor', { count, top })
    : t(`email.lead.${pluralForm(language, count)}`, { count, roles, top });
  return { subject, preheader, lead, intro: override.intro ?? manifest.intro };
}

function builtPreheader(t: Translate, stories: readonly Summary[]): string | undefined {
  const [first, ...rest] = stories;
  if (!first) return undefined;
  if (rest.length === 0) {
    const line = firstSentence(first.insights || first.takeaway || first.summary);
    return line.length > PREHEADER_LENGTH
      ? `${closeIsolates(wholeCharacters(line, PREHEADER_LENGTH - 1).trimEnd())}…`
      : line;
  }
  let titles = '';
  for (const story of rest) {
    const next = titles ? `${titles} · ${story.title}` : story.title;
    if (titles && next.length > PREHEADER_LENGTH) break;
    titles = next;
  }
  return t('email.preheaderAlso', { titles });
}

/**
 * The start of `text` in at most `length` UTF-16 units, cut between characters as a reader sees
 * them: a cut through an emoji's surrogate pair reaches the inbox as "�", and one between a letter
 * and its accent, or inside an emoji sequence or a flag, shows half of it.
 */
function wholeCharacters(text: string, length: number): string {
  let kept = '';
  for (const { segment } of GRAPHEMES.segment(text)) {
    if (kept.length + segment.length > length) break;
    kept += segment;
  }
  return kept;
}

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Roles named before the rest are counted: a reader knows their own roles, and fourteen of them
 * in the audience line and again in the lead push the first headline off a phone's screen.
 */
const ROLES_NAMED = 3;

/** "CTO, Data Scientist and Security Lead"; past three, "CTO, Data Scientist and 11 more roles". */
export function rolesLine(locale: string, t: Translate, roles: readonly string[]): string {
  if (roles.length <= ROLES_NAMED) return listFormat(locale, roles);
  const named = roles.slice(0, ROLES_NAMED - 1);
  return listFormat(locale, [...named, t('email.moreRoles', { count: roles.length - named.length })]);
}

const listFormats = new Map<string, Intl.ListFormat>();

/** "CTO, Data Scientist and Security Lead" as the locale writes a list. */
export function listFormat(locale: string, items: readonly string[]): string {
  let format: Intl.ListFormat;
  try {
    format = memo(listFormats, locale, () => new Intl.ListFormat(locale, { type: 'conjunction' }));
  } catch {
    return items.join(', ');
  }
  const pattern = listPattern(format, items.length);
  if (!pattern) return format.format(items);
  let out = pattern[0]!;
  for (let i = 0; i < items.length; i++) out += items[i]! + pattern[i + 1]!;
  return out;
}

/**
 * The words around a list of `count` items, where the locale's list never changes with the words
 * listed: so in English and German (Spanish writes "y" or "e" by the next word), for lists short
 * enough to keep. Every variant lists its roles, and Intl takes microseconds to do it each time.
 */
function listPattern(format: Intl.ListFormat, count: number): string[] | undefined {
  if (count > 20) return undefined;
  let byCount = listPatterns.get(format);
  if (byCount === undefined) {
    const language = format.resolvedOptions().locale.split('-')[0]!.toLowerCase();
    byCount = language === 'en' || language === 'de' ? [] : null;
    listPatterns.set(format, byCount);
  }
  if (!byCount) return undefined;
  let pattern = byCount[count];
  if (!pattern) {
    const marks = Array.from({ length: count }, (_, i) => `\u0000${i}\u0000`);
    pattern = [''];
    let next = 0;
    for (const part of format.formatToParts(marks)) {
      if (part.type === 'literal') pattern[pattern.length - 1] += part.value;
      else if (part.value === marks[next++]) pattern.push('');
      else return undefined;
    }
    if (next !== count) return undefined;
    byCount[count] = pattern;
  }
  return pattern;
}

const listPatterns = new WeakMap<Intl.ListFormat, string[][] | null>();

/**
 * A subject template, compiled once, and the subjects it wrote by the values it reads: variants
 * that share those (the subject usually reads {{lead}}, which names the top story and a count)
 * share a subject, however their role sets differ.
 */
interface SubjectTemplate {
  write: Handlebars.TemplateDelegate;
  /** Every name the template can read; undefined when it can read more than names (`this`, `@root`, partials). */
  reads: string[] | undefined;
  written: Cache<string, string>;
}

const subjectTemplates = new Map<string, SubjectTemplate>();

/** Subject from a Handlebars template; plain text, one line. */
export function renderSubject(source: string, values: Record<string, string | number>): string {
  let template = subjectTemplates.get(source);
  if (!template) {
    let write: Handlebars.TemplateDelegate;
    try {
      write = Handlebars.create().compile(source, { noEscape: true, strict: false });
      write({});
    } catch (cause) {
      throw new RolecastError('E_TEMPLATE', `the issue subject is not a valid template: ${(cause as Error).message}`, {
        cause,
      });
    }
    template = { write, reads: namesRead(source), written: createCache(1000) };
    subjectTemplates.set(source, template);
  }
  const key = template.reads && valuesKey(template.reads, values);
  if (key === undefined) return writeSubject(template.write, values);
  let subject = template.written.get(key);
  if (subject === undefined) {
    subject = writeSubject(template.write, values);
    template.written.set(key, subject);
  }
  return subject;
}

function writeSubject(write: Handlebars.TemplateDelegate, values: Record<string, string | number>): string {
  return write(values)
    .replace(/[\r\n]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/**
 * The values of `names`, each written with its type so that the key reads back as one list of
 * values; undefined for a value that is neither a string nor a number (not kept).
 */
function valuesKey(names: readonly string[], values: Record<string, string | number>): string | undefined {
  let key = '';
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value: unknown = Object.hasOwn(values, name) ? values[name] : undefined;
    // A string is written with its length, so no two lists of values make the same key.
    if (typeof value === 'string') key += `s${value.length}:${value}`;
    else if (typeof value === 'number') key += `n${Object.is(value, -0) ? '-0' : String(value)};`;
    else if (value === undefined) key += 'u';
    else return undefined;
  }
  return key;
}

/**
 * The first name of every path a template mentions: all it can read of its values, which are
 * strings and numbers (a path into one reads that one). Undefined when it can read the values
 * object as a whole or by a computed name (`this`, `@root`, a literal path, a partial).
 */
export function namesRead(source: string): string[] | undefined {
  const names = new Set<string>();
  let plain = true;
  class Reads extends Handlebars.Visitor {
    override MustacheStatement(node: hbs.AST.MustacheStatement): void {
      if (node.path.type !== 'PathExpression') plain = false;
      super.MustacheStatement(node);
    }
    override BlockStatement(node: hbs.AST.BlockStatement): void {
      if (node.path.type !== 'PathExpression') plain = false;
      super.BlockStatement(node);
    }
    override SubExpression(node: hbs.AST.SubExpression): void {
      if (node.path.type !== 'PathExpression') plain = false;
      super.SubExpression(node);
    }
    override PartialStatement(): void {
      plain = false;
    }
    override PartialBlockStatement(): void {
      plain = false;
    }
    override Decorator(): void {
      plain = false;
    }
    override DecoratorBlock(): void {
      plain = false;
    }
    override PathExpression(path: hbs.AST.PathExpression): void {
      const head = path.parts[0];
      if (path.data || head === undefined) plain = false;
      else names.add(head);
    }
  }
  new Reads().accept(Handlebars.parse(source));
  return plain ? [...names] : undefined;
}
