import type { Translate } from '../i18n/index.js';
import { memo } from './_text.js';

/**
 * Roles named before the rest are counted: a reader knows their own roles, and fourteen of them
 * in the audience line and again in the lead push the first headline off a phone's screen.
 */
const ROLES_NAMED = 3;

/** "CTO, Data Scientist and Security Lead"; past three, "CTO, Data Scientist and 11 more roles". */
export function rolesLine(locale: string, t: Translate, roles: readonly string[]): string {
  if (roles.length <= ROLES_NAMED) return listFormat(locale, roles);
  const named = roles.slice(0, ROLES_NAMED - 1);
  return listFormat(locale, [...named, t('email.moreRoles', { count: roles.length - named.length })]);
}

const listFormats = new Map<string, Intl.ListFormat>();

/** "CTO, Data Scientist and Security Lead" as the locale writes a list. */
export function listFormat(locale: string, items: readonly string[]): string {
  let format: Intl.ListFormat;
  try {
    format = memo(listFormats, locale, () => new Intl.ListFormat(locale, { type: 'conjunction' }));
  } catch {
    return items.join(', ');
  }
  const pattern = listPattern(format, items.length);
  if (!pattern) return format.format(items);
  let out = pattern[0]!;
  for (let i = 0; i < items.length; i++) out += items[i]! + pattern[i + 1]!;
  return out;
}

/**
 * The words around a list of `count` items, where the locale's list never changes with the words
 * listed: so in English and German (Spanish writes "y" or "e" by the next word), for lists short
 * enough to keep. Every variant lists its roles, and Intl takes microseconds to do it each time.
 */
function listPattern(format: Intl.ListFormat, count: number): string[] | undefined {
  if (count > 20) return undefined;
  let byCount = listPatterns.get(format);
  if (byCount === undefined) {
    const language = format.resolvedOptions().locale.split('-')[0]!.toLowerCase();
    byCount = language === 'en' || language === 'de' ? [] : null;
    listPatterns.set(format, byCount);
  }
  if (!byCount) return undefined;
  let pattern = byCount[count];
  if (!pattern) {
    const marks = Array.from({ length: count }, (_, i) => `\u0000${i}\u0000`);
    pattern = [''];
    let next = 0;
    for (const part of format.formatToParts(marks)) {
      if (part.type === 'literal') pattern[pattern.length - 1] += part.value;
      else if (part.value === marks[next++]) pattern.push('');
      else return undefined;
    }
    if (next !== count) return undefined;
    byCount[count] = pattern;
  }
  return pattern;
}

const listPatterns = new WeakMap<Intl.ListFormat, string[][] | null>();
