import { escapeHtml } from '../../escape.js';
import type { Translate } from '../../i18n/index.js';
import { LIMITS } from '../../load/limits.js';
import { isKnownZone } from '../../model/_fields.js';
import type { RoleTaxonomy } from '../../roles/taxonomy.js';

/** Form controls the signup and preferences pages share. */

/**
 * Role checkboxes in one fieldset per group of the taxonomy, each with its description. A chosen
 * role the taxonomy lacks (one an editor's list gave the reader) is shown too, under "other": the
 * reader sees it, and a save keeps it unless they untick it.
 */
export function roleFieldsets(
  taxonomy: RoleTaxonomy,
  chosen: ReadonlySet<string>,
  t: Translate,
  /**
   * An error about the roles: each group is described by the element of `id`, and its first box takes
   * the focus unless an earlier field's error has it.
   */
  error?: { id: string; focus: boolean },
): string {
  const groups = new Map<string, { name: string; description?: string | undefined }[]>();
  const listed = [
    ...taxonomy.roles,
    ...[...chosen].filter((role) => taxonomy.lookup(role) === undefined).map((name) => ({ name, group: undefined })),
  ];
  for (const role of listed) {
    const group = role.group ?? t('pages.roles.other');
    groups.set(group, [...(groups.get(group) ?? []), role]);
  }
  let index = 0;
  const sets = [...groups].map(([group, roles]) => {
    const items = roles.map((role) => {
      const id = `role-${index++}`;
      const described = role.description ? ` aria-describedby="${id}-d"` : '';
      const description = role.description ? `<p class="hint" id="${id}-d">${escapeHtml(role.description)}</p>` : '';
      const focus = error?.focus && id === 'role-0' ? ' autofocus' : '';
      return `<div class="choice"><input type="checkbox" name="roles" id="${id}" value="${escapeHtml(role.name)}"${chosen.has(role.name) ? ' checked' : ''}${described}${focus}><div><label for="${id}">${escapeHtml(role.name)}</label>${description}</div></div>`;
    });
    const invalid = error ? ` aria-describedby="${error.id}"` : '';
    return `<fieldset${invalid}><legend>${escapeHtml(group)}</legend>\n${items.join('\n')}\n</fieldset>`;
  });
  return sets.join('\n');
}

let zones: string[] | undefined;

function timeZones(): string[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  return zones;
}

/**
 * Any zone the subscriber loader accepts. The page's list is what this Node's Intl names, which on
 * some versions leaves out current names ("Asia/Kolkata", "Europe/Kyiv") and links ("US/Pacific").
 */
export function isTimeZone(value: string): boolean {
  return isKnownZone(value);
}

export function timezoneSelect(label: string, selected: string, autoFill: boolean): string {
  // A reader's zone missing from the list is shown as theirs: a form sent unchanged keeps it.
  const listed = timeZones();
  const zones = listed.includes(selected) || !isKnownZone(selected) ? listed : [selected, ...listed];
  const options = zones.map((z) => `<option${z === selected ? ' selected' : ''}>${escapeHtml(z)}</option>`).join('');
  return `<label for="timezone">${escapeHtml(label)}</label>
<select id="timezone" name="timezone"${autoFill ? ' data-autozone' : ''}>${options}</select>`;
}

/** The languages the pages and emails are written in, named in their own language. */
export const LOCALES: { tag: string; name: string }[] = [
  { tag: 'en', name: 'English' },
  { tag: 'de', name: 'Deutsch' },
];

export function localeSelect(label: string, selected: string): string {
  const primary = selected.split('-')[0]?.toLowerCase();
  const options = LOCALES.map(
    (l) => `<option value="${l.tag}"${l.tag === primary ? ' selected' : ''}>${escapeHtml(l.name)}</option>`,
  ).join('');
  return `<label for="locale">${escapeHtml(label)}</label>
<select id="locale" name="locale">${options}</select>`;
}

export function isLocale(value: string): boolean {
  return LOCALES.some((l) => l.tag === value);
}

/** The page language a posted tag names: the select's `de`, or a script's BCP 47 `de-DE`. */
export function pageLanguageOf(value: string): string | undefined {
  const language = value.split(/[-_]/)[0]?.toLowerCase() ?? '';
  return isLocale(language) ? language : undefined;
}

/**
 * An address field's type and hints. Not `type="email"`: browsers refuse a non-ASCII part before
 * the @ there, and would block the form for a reader whose address needs SMTPUTF8 (the server
 * checks every address itself); `inputmode` still gives phones their email keyboard.
 */
export const EMAIL_FIELD = 'type="text" inputmode="email" autocapitalize="none" spellcheck="false"';

/**
 * A one-line name field. Its limit is the subscriber file's, which the server keeps too; the
 * browser stops typing and cuts a paste there, so the page says where, instead of a name that
 * silently ends short.
 */
export function nameInput(
  t: Translate,
  field: { id: string; label: string; autocomplete: string; value: string },
): string {
  const hint = `${field.id}-hint`;
  return `<label for="${field.id}">${escapeHtml(field.label)}</label>
<input type="text" id="${field.id}" name="${field.id}" autocomplete="${field.autocomplete}" maxlength="${LIMITS.nameLength}" aria-describedby="${hint}" value="${escapeHtml(field.value)}">
<p class="hint" id="${hint}">${escapeHtml(t('pages.subscribe.nameHint', { max: LIMITS.nameLength }))}</p>`;
}

export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;
}
