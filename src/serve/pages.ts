/**
 * The few pages the unsubscribe endpoint shows. Everything interpolated is escaped; the pages load
 * nothing from anywhere (the CSP allows only inline styles), so they work behind any proxy.
 */

import type { ResolvedConfig } from '../config/schema.js';
import { escapeHtml } from '../escape.js';
import { htmlPage } from '../html-page.js';
import { requestLanguage, translator } from '../i18n/index.js';
import { layout, messagePage, type PageContext } from './pages/layout.js';

export { escapeHtml };

/** `priya.raman@example.com` → `p••••@example.com`: enough for the owner to recognise, little for anyone else. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '••••';
  return `${email[0]}••••${email.slice(at)}`;
}

/**
 * An error's message for the server log, every address in it masked: a mail server's refusal
 * quotes the reader's address ("550 5.1.1 <ann@example.com>: no such user"), and the log is read by
 * people who should not learn who signed up.
 */
export function loggableError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(ADDRESS_IN_TEXT, (address) => maskEmail(address));
}

const ADDRESS_IN_TEXT = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g;

function page(brand: string, title: string, body: string): string {
  return htmlPage({
    lang: 'en',
    title: `${title} · ${brand}`,
    meta: ['<meta name="robots" content="noindex">'],
    css: `body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2937;background:#f3f4f6;margin:0;padding:2rem 1rem}
main{max-width:32rem;margin:0 auto;background:#fff;border-radius:8px;padding:2rem}
h1{font-size:1.4rem;margin-top:0}
button{font:inherit;background:#1f3a5f;color:#fff;border:0;border-radius:6px;padding:.7rem 1.4rem;cursor:pointer}`,
    body: `<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>`,
  });
}

/** What the unsubscribe pages are written from: the brand, and the list's locale when the config has one. */
export type UnsubscribeSite = Pick<ResolvedConfig, 'brand'> & Partial<Pick<ResolvedConfig, 'locale'>>;

/** The browser's most wanted language with a catalogue, else the list's: no lookup of the reader. */
function readerContext(site: UnsubscribeSite, acceptLanguage: string | undefined): PageContext {
  const language = requestLanguage(acceptLanguage, site.locale ?? 'en');
  return { brand: site.brand, language, t: translator(language) };
}

/** GET: asks, never acts, because mail scanners and link previews follow every GET. */
export function confirmPage(
  site: UnsubscribeSite,
  acceptLanguage: string | undefined,
  email: string,
  action: string,
): string {
  const ctx = readerContext(site, acceptLanguage);
  const { t } = ctx;
  return layout(
    ctx,
    t('pages.unsubscribe.ask.title'),
    `<p>${escapeHtml(t('pages.unsubscribe.ask.body', { brand: site.brand.name, email: maskEmail(email) }))}</p>
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${escapeHtml(t('pages.unsubscribe.title'))}</button>
</form>`,
  );
}

export function donePage(site: UnsubscribeSite, acceptLanguage: string | undefined, email: string): string {
  const ctx = readerContext(site, acceptLanguage);
  const { t } = ctx;
  const body = t('pages.unsubscribe.done.body', { brand: site.brand.name, email: maskEmail(email) });
  return messagePage(ctx, t('pages.unsubscribe.done.title'), body);
}

/** A page a reader meets on the way out: a link that does not verify, or a request to come again. */
export function unsubscribeProblemPage(
  site: UnsubscribeSite,
  acceptLanguage: string | undefined,
  kind: 'invalid' | 'retry',
): string {
  const ctx = readerContext(site, acceptLanguage);
  return messagePage(ctx, ctx.t(`pages.unsubscribe.${kind}.title`), ctx.t(`pages.unsubscribe.${kind}.body`));
}

export function errorPage(brand: string, title: string, message: string): string {
  return page(brand, title, `<p>${escapeHtml(message)}</p>`);
}
