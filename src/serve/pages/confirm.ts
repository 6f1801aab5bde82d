import { escapeHtml } from '../../escape.js';
import { maskEmail } from '../pages.js';
import { hidden } from './controls.js';
import { layout, type PageContext } from './layout.js';

/** GET shows a button; only its POST confirms, because link scanners follow every GET. */
export function confirmPage(ctx: PageContext, email: string, token: string, action: string, address: boolean): string {
  const brand = ctx.brand.name;
  const title = ctx.t(address ? 'pages.confirm.addressTitle' : 'pages.confirm.title');
  const body = ctx.t(address ? 'pages.confirm.addressBody' : 'pages.confirm.body', { email: maskEmail(email), brand });
  return layout(
    ctx,
    title,
    `<p>${escapeHtml(body)}</p>
<form method="post" action="${escapeHtml(action)}">
${hidden('token', token)}
<button type="submit">${escapeHtml(ctx.t('pages.confirm.button'))}</button>
</form>`,
  );
}

export function confirmedPage(ctx: PageContext, email: string, preferencesUrl: string): string {
  return layout(
    ctx,
    ctx.t('pages.confirm.done.title'),
    `<p role="status">${escapeHtml(ctx.t('pages.confirm.done.body', { email: maskEmail(email), brand: ctx.brand.name }))}</p>
<p><a href="${escapeHtml(preferencesUrl)}">${escapeHtml(ctx.t('pages.confirm.done.preferences'))}</a></p>`,
  );
}
