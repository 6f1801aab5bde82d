import { EMAIL_DE } from './email.de.js';
import { EMAIL_EN } from './email.en.js';
import { PAGES_DE } from './pages.de.js';
import { PAGES_EN } from './pages.en.js';

/**
 * One message catalogue for everything a reader sees: emails and the pages `serve` answers with.
 * English is complete by definition; another language may leave keys out and falls back to English
 * for them, so a missing translation never shows a key.
 */

export type MessageKey = keyof typeof EMAIL_EN | keyof typeof PAGES_EN;
export type Catalogue = Readonly<Record<MessageKey, string>>;

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

const ENGLISH: Catalogue = { ...EMAIL_EN, ...PAGES_EN };
const CATALOGUES: Record<Language, Catalogue> = {
  en: ENGLISH,
  de: { ...ENGLISH, ...EMAIL_DE, ...PAGES_DE },
};

/** Whether the locale's language has a catalogue: otherwise its reader gets the list's language. */
export function hasCatalogue(locale: string): boolean {
  return shippedLanguage(locale) !== null;
}

/** The shipped language for a BCP 47 tag ("de-AT" → "de"); `fallback` when none matches. */
export function languageOf(locale: string | undefined, fallback: Language = 'en'): Language {
  if (locale === undefined) return fallback;
  return shippedLanguage(locale) ?? fallback;
}

/**
 * The browser's most wanted language (an Accept-Language header) that has a catalogue, else the
 * list's: "fr, de;q=0.9" on an English list gets German. Equal weights keep the header's order;
 * `q=0` refuses a language; a malformed `q` is ignored (the weight stays 1). The header is untrusted:
 * only its first `MAX_ACCEPT_CHARS` characters and `MAX_ACCEPT_ENTRIES` entries are read.
 */
export function requestLanguage(acceptLanguage: string | undefined, listLocale: string): Language {
  let best: Language | null = null;
  let bestWeight = 0;
  const entries = (acceptLanguage ?? '').slice(0, MAX_ACCEPT_CHARS).split(',', MAX_ACCEPT_ENTRIES);
  for (const entry of entries) {
    const [tag = '', ...params] = entry.split(';');
    const weight = qualityOf(params);
    if (weight <= bestWeight) continue;
    const shipped = shippedLanguage(tag.trim());
    if (shipped === null) continue;
    best = shipped;
    bestWeight = weight;
  }
  return best ?? languageOf(listLocale);
}

const MAX_ACCEPT_CHARS = 1024;
const MAX_ACCEPT_ENTRIES = 32;
/** RFC 9110's qvalue: 0 to 1 with up to three decimals. */
const QVALUE = /^q=(0(\.\d{0,3})?|1(\.0{0,3})?)$/i;

/** An entry's weight from its parameters: its valid `q`, else 1. */
function qualityOf(params: readonly string[]): number {
  for (const param of params) {
    const match = QVALUE.exec(param.trim());
    if (match) return Number(match[1]);
  }
  return 1;
}

/** Whether `locale` is a locale of `language` ("de-AT" of "de"): its own words, not a fallback's. */
export function isLocaleOf(locale: string, language: Language): boolean {
  return shippedLanguage(locale) === language;
}

function shippedLanguage(locale: string): Language | null {
  // Asked for per variant and per reader, of a handful of tags: each tag's answer is kept. Tags come
  // from browsers and signup forms too, so only tags of a real tag's length are kept.
  const kept = locale.length <= MAX_KEPT_TAG;
  let shipped = kept ? shippedOf.get(locale) : undefined;
  if (shipped === undefined) {
    const dash = locale.indexOf('-');
    const primary = (dash < 0 ? locale : locale.slice(0, dash)).toLowerCase();
    shipped = (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : null;
    if (!kept) return shipped;
    if (shippedOf.size >= 1000) shippedOf.clear();
    shippedOf.set(locale, shipped);
  }
  return shipped;
}

/** The longest tag whose answer is kept: a language, script, region and a variant or two. */
const MAX_KEPT_TAG = 35;

/** The shipped language a tag names, or null when it names none. */
const shippedOf = new Map<string, Language | null>();

/** How many tags' answers are kept and the characters of those tags. */
export function _keptTags(): { tags: number; chars: number } {
  let chars = 0;
  for (const tag of shippedOf.keys()) chars += tag.length;
  return { tags: shippedOf.size, chars };
}

export function catalogue(language: Language): Catalogue {
  return CATALOGUES[language];
}

export type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

/** `{name}` placeholders are filled from `values`; unknown placeholders stay as written. */
export function translator(language: Language): Translate {
  return translators[language];
}

function createTranslator(messages: Catalogue): Translate {
  // Each message is split at its placeholders once: emails ask for the same few per variant.
  const split = new Map<MessageKey, readonly string[]>();
  return (key, values) => {
    const template = messages[key];
    if (!values) return template;
    let parts = split.get(key);
    if (!parts) {
      parts = template.split(PLACEHOLDER);
      split.set(key, parts);
    }
    return fill(parts, values);
  };
}

const PLACEHOLDER = /\{(\w+)\}/;

/** Literal text and placeholder names, alternating (as `split` leaves them), filled from `values`. */
function fill(parts: readonly string[], values: Readonly<Record<string, string | number>>): string {
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!;
    out += Object.hasOwn(values, name) ? String(values[name]) : `{${name}}`;
    out += parts[i + 1]!;
  }
  return out;
}

const translators: Record<Language, Translate> = {
  en: createTranslator(CATALOGUES.en),
  de: createTranslator(CATALOGUES.de),
};
