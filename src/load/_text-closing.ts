import { DateTime } from 'luxon';
import { bulletOf, isName } from './_text-bullets.js';
import { headingOf } from './_text-headings.js';
import {
  ABBREVIATION,
  bestForOf,
  isBareUrl,
  isRelatedLine,
  labelled,
  linkOf,
  POOL_FIELD,
  publishedByOf,
  sourceLineOf,
} from './_text-labels.js';

/** Dates as people write them on a `Date:` line, besides YYYY-MM-DD. */
export const LONG_DATE_FORMATS = [
  'd MMMM yyyy',
  'MMMM d, yyyy',
  'MMMM d yyyy',
  'd MMM yyyy',
  'MMM d, yyyy',
  'd.M.yyyy',
];

/**
 * A `Date:` line not in YYYY-MM-DD (which POOL_FIELD reads): the date it names as YYYY-MM-DD,
 * null when it names none, undefined when the line is not a `Date:` line of that kind.
 */
export function longDateOf(trimmed: string): string | null | undefined {
  const found = labelled(trimmed);
  // Only what looks like a date: "Date: the team picked…" is a sentence.
  const rest = found?.rest ?? '';
  if (found?.label !== 'date' || POOL_FIELD.test(trimmed) || rest.length > 40 || !/\b\d{4}\b/.test(rest))
    return undefined;
  if (rest.split(/\s+/).length > 4) return undefined;
  for (const format of LONG_DATE_FORMATS) {
    const day = DateTime.fromFormat(found.rest.replace(/\.$/, ''), format, { locale: 'en' });
    if (day.isValid) return day.toISODate();
  }
  return null;
}

/** An em dash line, a "Via" line or a bare address below a list with other markers, as what it is. */
export function closingLine(
  trimmed: string,
  bullet: string | undefined,
  markers: ReadonlySet<string>,
): { url: string } | { url?: undefined; source: string } | undefined {
  if (bullet !== undefined && trimmed[0] === '—' && !markers.has('—'))
    return emDashItem(bullet, markers) ? undefined : { source: bullet.replace(/\.$/, '') };
  if (bullet !== undefined) return undefined;
  if (isBareUrl(trimmed)) return { url: trimmed };
  // "Via The Revenue Desk", a name; not "via the gateway", the end of a wrapped item.
  const via = /^Via\s+([A-Z0-9]\S*(?:\s.{0,200})?)$/u.exec(trimmed);
  return via ? { source: via[1]!.replace(/\.$/, '').trim() } : undefined;
}

/**
 * "— Three." closing a list of "– One.", "– Two.": an item typed with the other dash (word
 * processors turn some into em dashes), not who wrote the article: under an en-dash list, an
 * em-dash line ending in a full stop, or one that does not read as a name, is one more item.
 */
export function emDashItem(bullet: string, markers: ReadonlySet<string>): boolean {
  // "— Jane Doe, Example Weekly (https://…)": a note in brackets is not part of the name.
  if (!isName(bullet.replace(/\.$/, '').replace(/\s*\([^()]*\)$/, ''))) return true;
  return markers.has('–') && bullet.endsWith('.') && !ABBREVIATION.test(bullet);
}

export const NO_MARKERS: ReadonlySet<string> = new Set();
/** Words that make a line outside any section the attribution ("Editorial summary by …"). */
export const ATTRIBUTION_WORDS = /curation|editorial|published|summary by/i;
/** A closing line's note in brackets that is a web address: "(https://…)". */
export const NOTED_URL = /\(<?(https?:\/\/[^\s()<>]{1,2000})>?\)\.?$/i;
/** "Originally published at https://…": the article's address. */
export const PUBLISHED_AT = /^(?:Originally|First) published (?:at|on|in):?\s+<?(https?:\/\/[^\s<>]{1,2000}?)>?\.?$/i;
/** "Originally published by Publication.": by a name only, not "in 1998" or "on March 3". */
export const ORIGINALLY_PUBLISHED =
  /^(?:Originally|First) published by:?\s+(\p{Lu}.{0,200}?)(?:,?\s+(?:on|in)\s+.*)?$/u;

/**
 * The source a closing line names ("Via Publication", "— Name, Publication", "Originally
 * published by Publication."), or undefined: a name starts with a capital or a digit, so
 * "— as the saying goes…" stays text.
 */
export function closingSourceOf(trimmed: string, line: string): string | undefined {
  const closing = closingLine(trimmed, bulletOf(line), NO_MARKERS);
  // "— Editorial Team, …", "— Curation by …": who made the summary, not where the article ran.
  if (closing !== undefined && ATTRIBUTION_WORDS.test(trimmed)) return undefined;
  const source =
    closing === undefined
      ? ORIGINALLY_PUBLISHED.exec(trimmed)?.[1]?.replace(/\.$/, '').trim()
      : closing.url === undefined
        ? closing.source
        : undefined;
  // "— Example Weekly (paywalled)": the note is not part of the name.
  const name = source?.replace(/\s*\([^()]*\)$/, '');
  return name !== undefined && name !== '' && isName(name) ? name : undefined;
}

/** Whether the lines from `next` (the next non-blank one) on can only end a summary: none, or a label line. */
export function closesFile(next: string | undefined): boolean {
  if (next === undefined) return true;
  return (
    bestForOf(next) !== undefined ||
    linkOf(next) !== undefined ||
    sourceLineOf(next) !== undefined ||
    publishedByOf(next) !== undefined ||
    isRelatedLine(next) ||
    POOL_FIELD.test(next) ||
    isBareUrl(next) ||
    /^Via\s+[A-Z0-9]/u.test(next) ||
    /^—\s/.test(next)
  );
}

/**
 * A line that can go on a "Best for" list: not blank, and not a line of its own kind (a heading, a
 * link, the source, "Related on …", a bare address, "Via …"), which a stray comma at the end of the
 * list must not turn into a role.
 */
export function continuesRoles(line: string): boolean {
  return (
    line !== '' &&
    headingOf(line) === undefined &&
    linkOf(line) === undefined &&
    publishedByOf(line) === undefined &&
    sourceLineOf(line) === undefined &&
    !POOL_FIELD.test(line) &&
    !isRelatedLine(line) &&
    !isBareUrl(line) &&
    closingLine(line, bulletOf(line), NO_MARKERS) === undefined
  );
}
