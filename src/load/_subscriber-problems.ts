import type { Problem } from '../errors.js';
import { SubscriberSchema } from '../model/subscriber.js';
import type { SubscriberTable } from '../model/subscriber-table.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { closestWord } from '../suggest.js';
import { splitSuggestion } from './_role-spellings.js';
import type { SubscriberTableResult } from './_subscriber-results.js';
import { formatPath } from './_validate.js';
import { LIMITS } from './limits.js';

/** What a subscriber list's problems say: hints per field, the bad value, the warnings counted once per list. */

export const KNOWN_FIELDS = new Set(Object.keys(SubscriberSchema.shape));

/** What to write instead, per subscriber field. */
export const SUBSCRIBER_HINTS: Record<string, string> = {
  name: 'write the name on one line',
  firstName: 'write the first name on one line',
  roles: 'list roles as ["CTO", "Executive"] (or "CTO|Executive" in CSV)',
  timezone: 'use an IANA time zone such as Europe/Berlin or America/New_York',
  locale: 'use a BCP 47 tag such as en-GB or de',
};

export function subscriberHint(field: string): string | undefined {
  return SUBSCRIBER_HINTS[field];
}

/** A name over the limit is on one line already: what it needs is to be shorter. */
export function tooLongHint(field: string): string | undefined {
  return field === 'name' || field === 'firstName'
    ? `shorten it to ${LIMITS.nameLength} characters or fewer`
    : subscriberHint(field);
}

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The bad value beside the message, quoted and shortened, so the entry can be found and fixed. */
export function withBadValue(problem: Problem, value: unknown): Problem {
  if (value === undefined || (typeof value === 'object' && value !== null)) return problem;
  // A message that already names the offending character by code point says more than an echo could.
  if (/\bU\+[0-9A-F]{4}/.test(problem.message)) return problem;
  const quoted = JSON.stringify(value) ?? String(value);
  const shown = quoted.length > 60 ? `${quoted.slice(0, 57)}…` : quoted;
  return { ...problem, message: `${problem.message} (got ${shown})` };
}

export function finishValidation(
  file: string,
  taxonomy: RoleTaxonomy,
  table: SubscriberTable,
  problems: Problem[],
  unknownFields: Map<string, { count: number; path: (string | number)[]; line: number }>,
  unknownRoles: Map<string, { count: number; path: (string | number)[]; line: number }>,
): SubscriberTableResult {
  for (const { count, path, line } of unknownFields.values()) {
    problems.push({
      severity: 'warning',
      file,
      line,
      field: formatPath(path),
      message: `is not a subscriber field and is ignored${count > 1 ? ` (${count} subscribers)` : ''}`,
      hint: fieldHint(String(path[path.length - 1])),
    });
  }
  // One warning per unknown role, not per subscriber: a 100k list with one typo stays readable.
  for (const [role, { count, path, line }] of unknownRoles) {
    // "ML Engineer / AI Architect" in one cell: known roles joined by a slash the list does not split.
    const split = splitSuggestion(role, taxonomy);
    const closest = split ? undefined : taxonomy.closest(role);
    problems.push({
      severity: 'warning',
      file,
      line,
      field: formatPath(path),
      message: `unknown role "${role}"${count > 1 ? ` (${count} subscribers)` : ''}`,
      hint: split
        ? `separate the roles with "|", ";" or a comma: write "${split.join('|')}" (or each as an entry of a roles list)`
        : closest
          ? `did you mean ${closest}?`
          : 'add it to the role taxonomy',
    });
  }
  return { table, problems };
}

/** The field probably meant ("nmae" → name), else the list of fields. */
export function fieldHint(written: string): string {
  const closest = closestWord(written, KNOWN_FIELDS);
  return closest ? `did you mean "${closest}"?` : `use one of: ${[...KNOWN_FIELDS].join(', ')}`;
}
