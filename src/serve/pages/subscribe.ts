import { escapeHtml } from '../../escape.js';
import type { RoleTaxonomy } from '../../roles/taxonomy.js';
import { maskEmail } from '../pages.js';
import { EMAIL_FIELD, localeSelect, nameInput, roleFieldsets, timezoneSelect } from './controls.js';
import { layout, type PageContext } from './layout.js';

/** The signup form, as a page of its own and as a snippet to paste into another site. */

export interface SignupFormOptions {
  /** Where the form posts: `/subscribe` on this server, or its public URL in the snippet. */
  action: string;
  taxonomy: RoleTaxonomy;
  timezone: string;
  locale: string;
  values?:
    | {
        email?: string;
        name?: string;
        roles?: ReadonlySet<string>;
        /** A zone the reader chose: shown chosen, not replaced by the browser's. */
        timezone?: string | undefined;
        locale?: string | undefined;
      }
    | undefined;
  error?: string | undefined;
  /** Shown above the roles: the post named none `roles.yaml` knows. */
  rolesError?: string | undefined;
}

export function signupForm(ctx: PageContext, options: SignupFormOptions): string {
  const { t } = ctx;
  const values = options.values ?? {};
  const brand = ctx.brand.name;
  const error = options.error ? `<p class="error" id="email-error" role="alert">${escapeHtml(options.error)}</p>` : '';
  return `<form method="post" action="${escapeHtml(options.action)}" class="rolecast-signup">
<label for="email">${escapeHtml(t('pages.subscribe.email'))}</label>
<input ${EMAIL_FIELD} id="email" name="email" required autocomplete="email" value="${escapeHtml(values.email ?? '')}"${options.error ? ' aria-invalid="true" aria-describedby="email-error" autofocus' : ''}>
${error}
${nameInput(t, { id: 'name', label: t('pages.subscribe.name'), autocomplete: 'name', value: values.name ?? '' })}
<p class="hint">${escapeHtml(t('pages.subscribe.rolesHint'))}</p>
${options.rolesError ? `<p class="error" id="roles-error" role="alert">${escapeHtml(options.rolesError)}</p>\n` : ''}${roleFieldsets(options.taxonomy, values.roles ?? new Set(), t, options.rolesError ? { id: 'roles-error', focus: !options.error } : undefined)}
${timezoneSelect(t('pages.subscribe.timezone'), values.timezone ?? options.timezone, values.timezone === undefined)}
${localeSelect(t('pages.subscribe.locale'), values.locale ?? options.locale)}
<div class="hp" aria-hidden="true"><label for="website">${escapeHtml(t('pages.subscribe.honeypot'))}</label><input type="text" id="website" name="website" tabindex="-1" autocomplete="off"></div>
<p class="hint">${escapeHtml(t('pages.subscribe.consent', { brand }))}</p>
<button type="submit">${escapeHtml(t('pages.subscribe.submit'))}</button>
</form>`;
}

export function subscribePage(ctx: PageContext, options: SignupFormOptions): string {
  const intro = `<p>${escapeHtml(ctx.t('pages.subscribe.intro'))}</p>`;
  return layout(
    ctx,
    ctx.t('pages.subscribe.title', { brand: ctx.brand.name }),
    `${intro}\n${signupForm(ctx, options)}`,
    {
      script: true,
    },
  );
}

/** The one answer to every signup, whether or not the address is known. */
export function checkInboxPage(ctx: PageContext, email: string): string {
  return layout(
    ctx,
    ctx.t('pages.subscribe.checkInbox.title'),
    `<p role="status">${escapeHtml(ctx.t('pages.subscribe.checkInbox.body', { email: maskEmail(email), brand: ctx.brand.name }))}</p>`,
  );
}

/** `rolecast serve --print-form`: the form with its labels, no script, posting to the public URL. */
export function embedSnippet(ctx: PageContext, options: SignupFormOptions): string {
  return `<!-- ${ctx.brand.name.replace(/--/g, '- -')} signup form: paste into any page; it posts to ${options.action.replace(/--/g, '- -')} -->
<style>.rolecast-signup .hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}.rolecast-signup label{display:block;margin-top:.75rem}</style>
${signupForm(ctx, options)}
`;
}
