import { DateTime } from 'luxon';
import { escapeHtml } from '../../escape.js';
import type { RoleTaxonomy } from '../../roles/taxonomy.js';
import { EMAIL_FIELD, hidden, localeSelect, nameInput, roleFieldsets, timezoneSelect } from './controls.js';
import { layout, type PageContext } from './layout.js';

/** The preferences page: one form per kind of change, each carrying the page's CSRF token. */

export type PreferencesNotice = 'saved' | 'paused' | 'resumed' | 'unsubscribed' | 'address' | 'noRoles';

export interface PreferencesView {
  email: string;
  name: string;
  firstName: string;
  roles: ReadonlySet<string>;
  timezone: string;
  locale: string;
  /** ISO instant the pause ends, when paused. */
  pausedUntil: string | undefined;
  unsubscribed: boolean;
  /** The page's own URL (with its token): every form posts back to it. */
  action: string;
  csrf: string;
  notice: PreferencesNotice | undefined;
  taxonomy: RoleTaxonomy;
}

export function preferencesPage(ctx: PageContext, view: PreferencesView): string {
  const { t } = ctx;
  const brand = ctx.brand.name;
  // A save with every role unticked was refused: said as a problem, beside what was kept.
  const notice =
    view.notice === 'noRoles'
      ? `<p class="error" id="roles-error" role="alert">${escapeHtml(t('pages.preferences.done.noRoles', { brand }))}</p>`
      : view.notice
        ? `<p class="notice" role="status">${escapeHtml(t(`pages.preferences.done.${view.notice}`))}</p>`
        : '';
  if (view.unsubscribed) {
    // Only the unsubscribe itself is confirmed here: a save, pause or resume pressed in a page left
    // open while the reader left (or a reload of its answer) must not read as their mail coming back.
    return layout(
      ctx,
      t('pages.preferences.title'),
      `${view.notice === 'unsubscribed' ? notice : ''}<p>${escapeHtml(t('pages.preferences.unsubscribed', { brand }))}</p>`,
    );
  }
  const form = (action: string, inner: string) =>
    `<form method="post" action="${escapeHtml(view.action)}">
${hidden('csrf', view.csrf)}${hidden('action', action)}
${inner}
</form>`;
  const weeks = [1, 2, 3, 4, 5, 6, 7, 8]
    .map((w) => `<option value="${w}">${escapeHtml(t('pages.preferences.pause.option', { weeks: w }))}</option>`)
    .join('');
  const pause = view.pausedUntil
    ? `<p>${escapeHtml(t('pages.preferences.paused', { date: pauseEnd(view.pausedUntil, view.timezone, view.locale) }))}</p>
<button type="submit" name="do" value="resume" class="secondary">${escapeHtml(t('pages.preferences.resume'))}</button>`
    : `<label for="weeks">${escapeHtml(t('pages.preferences.pause.weeks'))}</label>
<select id="weeks" name="weeks">${weeks}</select>
<button type="submit" class="secondary">${escapeHtml(t('pages.preferences.pause.button'))}</button>`;
  const body = `${notice}
<p>${escapeHtml(t('pages.preferences.intro', { email: view.email }))}</p>
${form(
  'save',
  `<label for="email">${escapeHtml(t('pages.preferences.email'))}</label>
<input ${EMAIL_FIELD} id="email" name="email" required autocomplete="email" value="${escapeHtml(view.email)}" aria-describedby="email-hint">
<p class="hint" id="email-hint">${escapeHtml(t('pages.preferences.emailHint'))}</p>
${nameInput(t, { id: 'name', label: t('pages.subscribe.name'), autocomplete: 'name', value: view.name })}
${nameInput(t, { id: 'firstName', label: t('pages.preferences.firstName'), autocomplete: 'given-name', value: view.firstName })}
<p class="hint">${escapeHtml(t('pages.subscribe.rolesHint'))}</p>
${roleFieldsets(view.taxonomy, view.roles, t, view.notice === 'noRoles' ? { id: 'roles-error', focus: true } : undefined)}
${timezoneSelect(t('pages.subscribe.timezone'), view.timezone, false)}
${localeSelect(t('pages.subscribe.locale'), view.locale)}
<button type="submit">${escapeHtml(t('pages.preferences.save'))}</button>`,
)}
<fieldset><legend>${escapeHtml(t('pages.preferences.pause.legend'))}</legend>
${form(view.pausedUntil ? 'resume' : 'pause', pause)}
</fieldset>
<fieldset><legend>${escapeHtml(t('pages.preferences.unsubscribe.legend'))}</legend>
${form(
  'unsubscribe',
  `<p>${escapeHtml(t('pages.preferences.unsubscribe.body', { brand }))}</p>
<button type="submit" class="secondary">${escapeHtml(t('pages.preferences.unsubscribe.button'))}</button>`,
)}
</fieldset>`;
  return layout(ctx, t('pages.preferences.title'), body);
}

/** When mail starts again, in the reader's own zone and language: a UTC date can be the day before. */
function pauseEnd(iso: string, zone: string, locale: string): string {
  const inZone = DateTime.fromISO(iso, { zone });
  const at = inZone.isValid ? inZone : DateTime.fromISO(iso, { zone: 'utc' });
  const local = at.setLocale(locale);
  return (local.isValid ? local : at).toLocaleString(DateTime.DATETIME_MED);
}
