import type { ResolvedConfig } from '../config/schema.js';
import type { Variant } from '../group/index.js';
import type { Language, Translate } from '../i18n/index.js';
import { closeIsolates } from '../model/_fields.js';
import type { IssueManifest, SubjectValue } from '../model/issue.js';
import type { Summary } from '../model/summary.js';
import { firstSentence, pluralForm } from './_text.js';
import { issueWeek } from './dates.js';
import { absentAmong, variantSummaries } from './mentions.js';
import { rolesLine } from './role-list.js';
import { renderSubject } from './subject-template.js';

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
