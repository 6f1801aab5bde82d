import type { ResolvedConfig } from '../../config/schema.js';
import type { ReaderPaths } from '../../config/served-paths.js';
import { type Language, languageOf, requestLanguage, translator } from '../../i18n/index.js';
import type { RoleTaxonomy } from '../../roles/taxonomy.js';
import type { SubscriberStore } from '../../store/index.js';
import { signToken } from '../../unsubscribe/token.js';
import type { PageContext } from '../pages/layout.js';
import type { SuppressionList } from '../suppressions.js';
import type { ReaderMailer } from './mail.js';
import type { RateLimiter } from './rate-limit.js';

/** Everything the reader routes share, built once by `readerRoutes`. */
export interface ReaderServices {
  config: Pick<
    ResolvedConfig,
    'brand' | 'listId' | 'urls' | 'readers' | 'timezone' | 'locale' | 'unsubscribeMailto' | 'replyTo' | 'sender'
  >;
  taxonomy: RoleTaxonomy;
  store: SubscriberStore;
  suppressions: SuppressionList;
  secret: string;
  /** Keys `secret` replaced: the preferences links of messages sent before a rotation still open. */
  previousSecrets?: readonly string[] | undefined;
  mailer: ReaderMailer;
  now: () => Date;
  log: (line: string) => void;
  maxBodyBytes: number;
  limits: { perIp: RateLimiter; perAddress: RateLimiter };
  paths: ReaderPaths;
  /** The origin links in mails point at: the public one from the config, else this server's. */
  publicOrigin: () => string;
  /** Pauses between tries of a signup's write while the state is locked (see subscribe.ts). */
  busyRetryMs?: readonly number[] | undefined;
}

export type { ReaderPaths };

export function pageContext(services: Pick<ReaderServices, 'config'>, language: Language): PageContext {
  return { brand: services.config.brand, language, t: translator(language) };
}

/** The key tokens are signed with, then those it replaced: what a token `serve` checks may carry. */
export function signingKeys(services: Pick<ReaderServices, 'secret' | 'previousSecrets'>): string[] {
  return [services.secret, ...(services.previousSecrets ?? [])];
}

/** The reader's language, else the browser's most wanted language with a catalogue, else the list's. */
export function languageFor(services: ReaderServices, locale: string | undefined, acceptLanguage?: string): Language {
  if (locale) return languageOf(locale, languageOf(services.config.locale));
  return requestLanguage(acceptLanguage, services.config.locale);
}

/** A reader's preferences link: the signed, long-lived token every message's footer carries. */
export function preferencesUrl(services: ReaderServices, email: string): string {
  const token = signToken({ email, listId: services.config.listId }, services.secret);
  return `${services.publicOrigin()}${services.paths.preferences}?${new URLSearchParams({ token })}`;
}

/** A stored locale: the list's own tag when the language matches (en → en-GB), else the language. */
export function storedLocale(services: ReaderServices, language: string): string {
  return languageOf(services.config.locale) === language ? services.config.locale : language;
}
