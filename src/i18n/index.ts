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

/** The shipped language for a BCP 47 tag ("de-AT" → "de"); `fallback` when none matches. */
export function languageOf(locale: string | undefined, fallback: Language = 'en'): Language {
  const primary = locale?.split('-')[0]?.toLowerCase();
  return (LANGUAGES as readonly string[]).includes(primary ?? '') ? (primary as Language) : fallback;
}

export function catalogue(language: Language): Catalogue {
  return CATALOGUES[language];
}

export type Translate = (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string;

/** `{name}` placeholders are filled from `values`; unknown placeholders stay as written. */
export function translator(language: Language): Translate {
  const messages = CATALOGUES[language];
  return (key, values) => fill(messages[key], values);
}

function fill(template: string, values: Readonly<Record<string, string | number>> | undefined): string {
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
