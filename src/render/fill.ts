import { encodeSentAt } from '../analytics/track-links.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { Variant } from '../group/index.js';
import { hasCatalogue, type Language, languageOf, type Translate, translator } from '../i18n/index.js';
import { personalLinks } from '../unsubscribe/links.js';
import type { FieldValues } from './_personal.js';
import { greetingName } from './_text.js';
import { listFormat } from './role-list.js';
import type { PersonalFields } from './types.js';
import { listLanguage, localeFor } from './view.js';
import { WIDE } from './wrap.js';

export type FieldFiller = (fields: PersonalFields, language: Language, variant: Variant) => FieldValues;
/** A `FieldFiller` that also gives a reader's "sent to" line alone, as its values hold it. */
export type SentToFiller = FieldFiller & {
  sentTo: (fields: PersonalFields, language: Language, variant: Variant) => string;
  /**
   * The same line cut where the address goes, each part the role set's own, shared by every reader
   * of it; undefined without an address or where the line is worded per reader.
   */
  sentToCut: (fields: PersonalFields, language: Language, variant: Variant) => readonly string[] | undefined;
};
type DateLine = (locale: string, zone: string) => string;
/** The signed `?v=` value of a role set's tracked links (see analytics/token.ts); none without tracking. */
export type ClickVariant = (variant: Variant) => string;

/**
 * A reader's field values, worked out from scratch: the reference that `fieldFiller` must match.
 */
export function readerValues(
  config: ResolvedConfig,
  issueId: string,
  dateLine: DateLine,
  clickVariant?: ClickVariant,
): FieldFiller {
  const fallback = personalLinks(config, undefined, issueId, config.sender.email);
  return (fields, language, variant) => {
    const t = translator(language);
    // The reader's locale formats the date only when it is in the message's language.
    const locale =
      fields.locale && languageOf(fields.locale, listLanguage(config)) === language
        ? fields.locale
        : localeFor(config, language);
    const roles = variant.roles.join(', ');
    const quiet = quietRoles(fields.roles, variant);
    const sentTo = !fields.email
      ? ''
      : variant.isEditorEdition
        ? t('email.sentToEditor', { email: fields.email })
        : quiet.length
          ? t('email.sentToQuiet', {
              email: fields.email,
              roles,
              quiet: quietLine(quiet, localeFor(config, language), t),
            })
          : t('email.sentTo', { email: fields.email, roles });
    return {
      greetingName: greetingName(fields) ?? config.greetingFallback ?? t('email.greetingFallback'),
      dateLine: safeDateLine(dateLine, locale, fields.timezone ?? config.timezone, config),
      sentTo,
      unsubscribe: fields.unsubscribeUrl,
      // The template shows these links whenever the config can build them; a caller that passes none gets the shared page.
      preferences: fields.preferencesUrl ?? config.urls.preferences ?? fields.unsubscribeUrl,
      viewOnline: fields.viewOnlineUrl ?? fallback.viewOnlineUrl ?? config.urls.archive ?? '',
      sentAt: encodeSentAt(fields.sentAt),
      clickVariant: clickVariant ? clickVariant(variant) : '',
    };
  };
}

/**
 * The reader's roles that had nothing this week, in their order: a reader shares the variant of
 * the roles that had content, and the footer would otherwise not name their other choices.
 */
function quietRoles(readerRoles: readonly string[] | undefined, variant: Variant): readonly string[] {
  if (!readerRoles || variant.isEditorEdition || readerRoles.length <= variant.roles.length) return [];
  return readerRoles.filter((role) => !variant.roles.includes(role));
}

/**
 * The quiet roles as the footer names them: past three, two and a count ("A, B and 33 more roles").
 * The line is the reader's own, which the size gate (measured on a sample reader) never sees: a
 * reader holding dozens of long roles would otherwise push a message near the limit past the
 * size at which Gmail clips it, and with it the unsubscribe link below. The preferences page
 * lists them all.
 */
function quietLine(quiet: readonly string[], locale: string, t: Translate): string {
  if (quiet.length <= QUIET_NAMED) return quiet.join(', ');
  const named = quiet.slice(0, QUIET_NAMED - 1);
  return listFormat(locale, [...named, t('email.moreRoles', { count: quiet.length - named.length })]);
}

const QUIET_NAMED = 3;

/** Stands for the address while a variant's "sent to" line is worded once; no catalogue or role name holds it. */
const EMAIL_SLOT = '\u0000rc-email\u0000';

/** What every reader of one variant in one language shares: the wording around their own values. */
interface Shared {
  /** The "sent to" line cut at the address, or undefined to word it per reader. */
  sentTo: string[] | undefined;
  /** The same line for readers who also chose roles without content, by their roles array. */
  quietSentTo: Map<readonly string[], string[] | undefined>;
  greetingFallback: string;
  locale: string;
  clickVariant: string;
}

/**
 * The same values as `readerValues`, with everything that depends only on the variant, the
 * language or the reader's (locale, zone) pair worked out once: per reader, only their name,
 * address and links are put in.
 */
export function fieldFiller(
  config: ResolvedConfig,
  issueId: string,
  dateLine: DateLine,
  clickVariant?: ClickVariant,
): SentToFiller {
  const fallback = personalLinks(config, undefined, issueId, config.sender.email);
  const listLang = listLanguage(config);
  const viewOnlineFallback = fallback.viewOnlineUrl ?? config.urls.archive ?? '';
  const shared = new WeakMap<Variant, Map<Language, Shared>>();
  const languageOfLocale = new Map<string, Language>();
  const dateLines = new Map<string, Map<string, string>>();
  // Readers of one run share a send time: its code is written once, not once per reader.
  let lastSentAt: number | undefined;
  let lastSentAtCode = encodeSentAt(undefined);

  const sharedOf = (variant: Variant, language: Language): Shared => {
    let byLanguage = shared.get(variant);
    if (!byLanguage) {
      byLanguage = new Map();
      shared.set(variant, byLanguage);
    }
    let found = byLanguage.get(language);
    if (!found) {
      const t = translator(language);
      const roles = variant.roles.join(', ');
      const worded = variant.isEditorEdition
        ? t('email.sentToEditor', { email: EMAIL_SLOT })
        : t('email.sentTo', { email: EMAIL_SLOT, roles });
      found = {
        sentTo: roles.includes(EMAIL_SLOT) ? undefined : worded.split(EMAIL_SLOT),
        quietSentTo: new Map(),
        greetingFallback: config.greetingFallback ?? t('email.greetingFallback'),
        locale: localeFor(config, language),
        clickVariant: clickVariant ? clickVariant(variant) : '',
      };
      byLanguage.set(language, found);
    }
    return found;
  };
  // Loaded lists share one roles array per role set: the line is worded once per array.
  const quietSentTo = (own: Shared, readerRoles: readonly string[], language: Language, variant: Variant) => {
    if (own.quietSentTo.has(readerRoles)) return own.quietSentTo.get(readerRoles);
    const roles = variant.roles.join(', ');
    const t = translator(language);
    const quiet = quietLine(quietRoles(readerRoles, variant), own.locale, t);
    const worded = t('email.sentToQuiet', { email: EMAIL_SLOT, roles, quiet });
    const cut = roles.includes(EMAIL_SLOT) || quiet.includes(EMAIL_SLOT) ? undefined : worded.split(EMAIL_SLOT);
    if (own.quietSentTo.size >= 1000) own.quietSentTo.clear();
    own.quietSentTo.set(readerRoles, cut);
    return cut;
  };
  const readerLanguage = (locale: string): Language => {
    let found = languageOfLocale.get(locale);
    if (found === undefined) {
      found = languageOf(locale, listLang);
      if (languageOfLocale.size >= 1000) languageOfLocale.clear();
      languageOfLocale.set(locale, found);
    }
    return found;
  };
  const dateLineFor = (locale: string, zone: string): string => {
    let byZone = dateLines.get(locale);
    if (!byZone) {
      if (dateLines.size >= 1000) dateLines.clear();
      byZone = new Map();
      dateLines.set(locale, byZone);
    }
    let line = byZone.get(zone);
    if (line === undefined) {
      line = safeDateLine(dateLine, locale, zone, config);
      if (byZone.size >= 1000) byZone.clear();
      byZone.set(zone, line);
    }
    return line;
  };

  /** The reader's "sent to" line cut where their address goes, or undefined where it is worded per reader. */
  const sentToCut = (own: Shared, fields: PersonalFields, language: Language, variant: Variant) =>
    quietRoles(fields.roles, variant).length ? quietSentTo(own, fields.roles!, language, variant) : own.sentTo;
  const sentToIn = (own: Shared, fields: PersonalFields, language: Language, variant: Variant): string => {
    if (!fields.email) return '';
    const worded = sentToCut(own, fields, language, variant);
    return worded
      ? worded.join(fields.email)
      : readerValues(config, issueId, dateLine)(fields, language, variant).sentTo;
  };

  const fill: FieldFiller = (fields, language, variant) => {
    const own = sharedOf(variant, language);
    const locale = fields.locale && readerLanguage(fields.locale) === language ? fields.locale : own.locale;
    const sentTo = sentToIn(own, fields, language, variant);
    const sentAt = fields.sentAt?.getTime();
    if (sentAt !== lastSentAt) {
      lastSentAt = sentAt;
      lastSentAtCode = encodeSentAt(fields.sentAt);
    }
    return {
      greetingName: greetingName(fields) ?? own.greetingFallback,
      dateLine: dateLineFor(locale, fields.timezone ?? config.timezone),
      sentTo,
      unsubscribe: fields.unsubscribeUrl,
      preferences: fields.preferencesUrl ?? config.urls.preferences ?? fields.unsubscribeUrl,
      viewOnline: fields.viewOnlineUrl ?? viewOnlineFallback,
      sentAt: lastSentAtCode,
      clickVariant: own.clickVariant,
    };
  };
  return Object.assign(fill, {
    sentTo: (fields: PersonalFields, language: Language, variant: Variant) =>
      sentToIn(sharedOf(variant, language), fields, language, variant),
    sentToCut: (fields: PersonalFields, language: Language, variant: Variant) =>
      fields.email ? sentToCut(sharedOf(variant, language), fields, language, variant) : undefined,
  });
}

function safeDateLine(dateLine: DateLine, locale: string, zone: string, config: ResolvedConfig): string {
  try {
    // A reader whose language has no catalogue reads the list's language: dates in the list's locale too.
    return dateLine(hasCatalogue(locale) ? locale : config.locale, zone);
  } catch {
    // An unusable locale or zone from a subscriber record falls back to the list's defaults.
    return dateLine(config.locale, config.timezone);
  }
}

/** A line's wrapped pieces by the widths of its fields; null where the line cannot be wrapped that way. */
type Wrapped = Map<string, readonly string[] | null>;

/** Stand-ins for a line's fields while it is wrapped: private-use characters no catalogue writes. */
const SLOT_BASE = 0xe000;
const MAX_SLOTS = 64;
const SLOT_CHARS = /[\ue000-\ue03f]/u;
/** A line's literal start that no bullet or indent marker could run on from into a field. */
const STOPS_MARKER = /[^ \t0-9*+•.)-]/u;
const BLANK = /[ \t]/;
const SURROGATE = /[\ud800-\udfff]/;

/**
 * `wrapLine(joinParts(parts, values, asIs))`, cheaply for lines whose fields hold no spaces (links,
 * codes): such a field is one unbreakable word, so where the line breaks depends only on how many
 * columns each field takes. The line is wrapped once per distinct set of widths, with stand-ins,
 * and each reader's values are joined into that.
 */
export function createTextLineFiller(
  wrap: (line: string) => string,
): (parts: readonly string[], values: Readonly<Record<string, string>>) => string {
  const wrapped = new WeakMap<readonly string[], Wrapped | null>();
  const slow = (parts: readonly string[], values: Readonly<Record<string, string>>) => {
    let line = parts[0] ?? '';
    for (let i = 1; i < parts.length; i += 2) line += values[parts[i]!]! + parts[i + 1];
    return wrap(line);
  };
  return (parts, values) => {
    let byWidths: Wrapped | null | undefined = wrapped.get(parts);
    if (byWidths === undefined) {
      const literals = parts.filter((_, i) => i % 2 === 0);
      byWidths =
        parts.length > 1 &&
        parts.length <= MAX_SLOTS * 2 &&
        STOPS_MARKER.test(parts[0] ?? '') &&
        // Beside wide text a line may break at a field's edge, by what the field's first character is.
        !literals.some((literal) => SLOT_CHARS.test(literal) || WIDE.test(literal))
          ? (new Map() as Wrapped)
          : null;
      wrapped.set(parts, byWidths);
    }
    if (byWidths === null) return slow(parts, values);
    let key = '';
    for (let i = 1; i < parts.length; i += 2) {
      const value = values[parts[i]!] ?? '';
      // A value holding wide characters may itself break between them: wrapped as it is.
      if (BLANK.test(value) || WIDE.test(value)) return slow(parts, values);
      key += `${columns(value)},`;
    }
    let around = byWidths.get(key);
    if (around === undefined) {
      around = wrapAround(parts, key, wrap);
      if (byWidths.size >= 200) byWidths.clear();
      byWidths.set(key, around);
    }
    if (around === null) return slow(parts, values);
    let out = around[0]!;
    for (let i = 1, k = 1; i < parts.length; i += 2, k++) out += values[parts[i]!]! + around[k];
    return out;
  };
}

/**
 * The literal pieces of `parts` wrapped with each field as a stand-in `widths` columns wide. An
 * empty field (a role set's unnamed click variant) adds nothing to the line: it has no stand-in,
 * and an empty piece stands after it.
 */
function wrapAround(parts: readonly string[], key: string, wrap: (line: string) => string): readonly string[] | null {
  const widths = key.split(',').map(Number);
  const slots: string[] = [];
  let line = parts[0] ?? '';
  for (let i = 1, k = 0; i < parts.length; i += 2, k++) {
    const slot = String.fromCharCode(SLOT_BASE + k).repeat(widths[k]!);
    if (slot) slots.push(slot);
    line += slot + parts[i + 1];
  }
  const out = wrap(line);
  const between: string[] = [];
  let from = 0;
  for (const slot of slots) {
    const at = out.indexOf(slot, from);
    if (at < 0) return null;
    between.push(out.slice(from, at));
    from = at + slot.length;
  }
  between.push(out.slice(from));
  const around = [between[0]!];
  let next = 1;
  for (const width of widths.slice(0, -1)) around.push(width > 0 ? between[next++]! : '');
  return around;
}

function columns(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}
