import { readFile } from 'node:fs/promises';
import { canonicalAddress } from '../address.js';
import type { Problem } from '../errors.js';
import { type Subscriber, SubscriberSchema, SubscribersFileSchema } from '../model/subscriber.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { parseCsv } from './_csv.js';
import { displayPath } from './_display.js';
import { JsonSyntaxError, type JsonWithLines, parseJsonWithLines } from './_json-lines.js';
import { formatPath, zodProblems } from './_validate.js';
import { byteLength, fileSize, jsonTooDeepAt, LIMITS, tooDeep, tooLarge } from './limits.js';

export interface SubscribersLoadResult {
  subscribers: Subscriber[];
  problems: Problem[];
}

export async function loadSubscribers(file: string, taxonomy: RoleTaxonomy): Promise<SubscribersLoadResult> {
  const shown = displayPath(file);
  const size = await fileSize(file);
  if (size !== undefined && size > LIMITS.subscriberListBytes) return tooBig(shown, size);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return rejected(shown, undefined, 'file', 'not found', 'check the --subscribers path');
  }
  return file.toLowerCase().endsWith('.csv') || looksLikeCsv(text)
    ? parseSubscribersCsv(text, shown, taxonomy)
    : parseSubscribers(text, shown, taxonomy);
}

/**
 * A CSV export saved as `.txt` (or with no extension): not JSON, and a first line that is a header
 * naming an email column. Decided by content, so the extension does not have to be right.
 */
export function looksLikeCsv(text: string): boolean {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const end = text.indexOf('\n', start);
  const header = text.slice(start, end < 0 ? Math.min(text.length, 4096) : Math.min(end, start + 4096)).trim();
  if (header.startsWith('[') || header.startsWith('{')) return false;
  return header.split(/[,;\t]/).some((cell) => cell.trim().replace(/^"|"$/g, '').toLowerCase() === 'email');
}

const tooBig = (file: string, size: number): SubscribersLoadResult => ({
  subscribers: [],
  problems: [tooLarge(file, size, LIMITS.subscriberListBytes)],
});

/** A file that cannot be read as a list at all: one error, no subscribers. */
function rejected(
  file: string,
  line: number | undefined,
  field: string,
  message: string,
  hint: string,
): SubscribersLoadResult {
  return {
    subscribers: [],
    problems: [{ severity: 'error', file, ...(line === undefined ? {} : { line }), field, message, hint }],
  };
}

/**
 * CSV lists as exported by sign-up forms: a header row with `email` and optionally `name`, `firstName`, `roles`
 * (separated by `|`, `;` or `,`), `timezone`, `locale`, `status`. Converted to entries and validated as JSON is.
 */
export function parseSubscribersCsv(text: string, file: string, taxonomy: RoleTaxonomy): SubscribersLoadResult {
  const size = byteLength(text);
  if (size > LIMITS.subscriberListBytes) return tooBig(file, size);
  const [header, ...rows] = parseCsv(text);
  const columns = (header?.cells ?? []).map(columnName);
  if (!columns.includes('email')) {
    return rejected(
      file,
      1,
      'email',
      'the header row has no "email" column',
      'start the file with a header such as: email,name,roles,timezone',
    );
  }
  const entries = rows.map(({ cells }) => {
    const entry: Record<string, unknown> = {};
    // Only the cells the row has: a header of thousands of columns must not cost that much per row.
    for (let index = 0; index < Math.min(columns.length, cells.length); index++) {
      const written = cells[index]!;
      if (written.trim() === '') continue;
      // The address is checked as written: a control character at its edge is refused, not trimmed
      // off. A roles cell is split by the same rule as a roles string in JSON. Defined, not
      // assigned, so a "__proto__" column is an ordinary (unknown) field, as it is in JSON.
      const value = columns[index] === 'email' ? written : written.trim();
      Object.defineProperty(entry, columns[index]!, { value, enumerable: true, writable: true, configurable: true });
    }
    return entry;
  });
  const lines = rows.map((row) => row.line);
  return validateEntries(entries, file, taxonomy, (path) => lines[Number(path[0])] ?? 1, []);
}

/**
 * Header cells match in any case; the one camel-case field, `firstName`, is also accepted the way
 * spreadsheets and providers spell it (`first_name`, `First Name`).
 */
function columnName(cell: string): string {
  const name = cell.trim().toLowerCase();
  return /^first[ _]?name$/.test(name) ? 'firstName' : name;
}

/**
 * Validates every entry and reports each bad one (index, field, why). Large lists take the fast
 * path (JSON.parse); line numbers are worked out only when there is something to report.
 */
export function parseSubscribers(text: string, file: string, taxonomy: RoleTaxonomy): SubscribersLoadResult {
  const size = byteLength(text);
  if (size > LIMITS.subscriberListBytes) return tooBig(file, size);
  const source = text.replace(/^\uFEFF/, '');
  const deepAt = jsonTooDeepAt(source);
  if (deepAt !== undefined) return { subscribers: [], problems: [tooDeep(file, deepAt, 'json')] };
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    try {
      parseJsonWithLines(source);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      return rejected(file, error.line, 'json', `invalid JSON: ${error.message}`, 'fix the JSON syntax');
    }
    return rejected(file, 1, 'json', 'invalid JSON', 'fix the JSON syntax');
  }

  let withLines: JsonWithLines | undefined;
  const lineOf = (path: readonly PropertyKey[]) => {
    withLines ??= parseJsonWithLines(source);
    return withLines.lineOf(path as (string | number)[]);
  };

  const shape = SubscribersFileSchema.safeParse(value);
  if (!shape.success) {
    return rejected(
      file,
      1,
      '(root)',
      'must be a JSON array of subscribers, or { "subscribers": [ … ] }',
      'see subscribers.example.json',
    );
  }
  const entries = Array.isArray(shape.data) ? shape.data : shape.data.subscribers;
  const prefix: (string | number)[] = Array.isArray(shape.data) ? [] : ['subscribers'];

  return validateEntries(entries, file, taxonomy, lineOf, prefix);
}

const KNOWN_FIELDS = new Set(Object.keys(SubscriberSchema.shape));

/**
 * Forgiving where the meaning is unambiguous: `"roles": "CTO, Executive"` (or `|`/`;` separated)
 * is a list, and `"Active"` is `active`. Anything else is left for the schema to judge.
 */
function lenient(entry: unknown): Record<string, unknown> | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const record = entry as Record<string, unknown>;
  const roles = typeof record.roles === 'string' ? splitList(record.roles) : record.roles;
  const status = typeof record.status === 'string' ? record.status.trim().toLowerCase() : record.status;
  if (roles === record.roles && status === record.status) return record;
  return { ...record, roles, status };
}

function splitList(value: string): string[] {
  return value
    .split(/[|;,]/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** What to write instead, per subscriber field. */
const SUBSCRIBER_HINTS: Record<string, string> = {
  name: 'write the name on one line',
  firstName: 'write the first name on one line',
  roles: 'list roles as ["CTO", "Executive"] (or "CTO|Executive" in CSV)',
  timezone: 'use an IANA time zone such as Europe/Berlin or America/New_York',
  locale: 'use a BCP 47 tag such as en-GB or de',
};

function subscriberHint(field: string): string | undefined {
  return SUBSCRIBER_HINTS[field];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The bad value beside the message, quoted and shortened, so the entry can be found and fixed. */
function withBadValue(problem: Problem, value: unknown): Problem {
  if (value === undefined || (typeof value === 'object' && value !== null)) return problem;
  // A message that already names the offending character by code point says more than an echo could.
  if (/\bU\+[0-9A-F]{4}/.test(problem.message)) return problem;
  const quoted = JSON.stringify(value) ?? String(value);
  const shown = quoted.length > 60 ? `${quoted.slice(0, 57)}…` : quoted;
  return { ...problem, message: `${problem.message} (got ${shown})` };
}

function validateEntries(
  entries: unknown[],
  file: string,
  taxonomy: RoleTaxonomy,
  lineOf: (path: readonly PropertyKey[]) => number,
  prefix: (string | number)[],
): SubscribersLoadResult {
  const problems: Problem[] = [];
  const subscribers: Subscriber[] = [];
  const seen = new Map<string, number>();
  // Lists are large and role sets repeat: share one roles array per distinct set written.
  const roleSets = new Map<string, string[]>();
  const unknownRoles = new Map<string, { count: number; path: (string | number)[] }>();
  const unknownFields = new Map<string, { count: number; path: (string | number)[] }>();
  for (let index = 0; index < entries.length; index++) {
    const entry = lenient(entries[index]);
    const roleCount = Array.isArray(entry?.roles) ? entry.roles.length : 0;
    if (roleCount > LIMITS.rolesPerSubscriber) {
      // One problem, before any per-role work: a list of 150,000 roles is refused in one step.
      const path = [...prefix, index, 'roles'];
      problems.push({
        severity: 'error',
        file,
        line: lineOf(path),
        field: formatPath(path),
        message: `has too many roles (${roleCount})`,
        hint: `limit ${LIMITS.rolesPerSubscriber}`,
      });
      entries[index] = undefined;
      continue;
    }
    if (entry) {
      for (const field of Object.keys(entry)) {
        if (KNOWN_FIELDS.has(field)) continue;
        const seenField = unknownFields.get(field);
        if (seenField) seenField.count++;
        else unknownFields.set(field, { count: 1, path: [...prefix, index, field] });
      }
    }
    const result = SubscriberSchema.safeParse(entry ?? entries[index]);
    entries[index] = undefined; // let the raw entry be collected as we go
    if (!result.success) {
      const raw = entry ?? entries[index];
      problems.push(
        ...result.error.issues.flatMap((issue) =>
          zodProblems({ issues: [issue] } as typeof result.error, file, lineOf, subscriberHint, [...prefix, index]).map(
            (problem) => withBadValue(problem, valueAt(raw, issue.path)),
          ),
        ),
      );
      continue;
    }
    const subscriber = result.data;
    const key = canonicalAddress(subscriber.email);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({
        severity: 'warning',
        file,
        line: lineOf([...prefix, index]),
        field: formatPath([...prefix, index, 'email']),
        message: `duplicate of entry [${first}]; only the first is used`,
        hint: 'remove one of the two entries',
      });
      continue;
    }
    seen.set(key, index);
    const written = subscriber.roles.join('\u0000');
    let roles = roleSets.get(written);
    if (!roles) {
      roles = [];
      for (const role of subscriber.roles) {
        const name = taxonomy.normalise(role);
        if (!roles.includes(name)) roles.push(name);
      }
      roleSets.set(written, roles);
    }
    subscriber.roles.forEach((role, roleIndex) => {
      if (taxonomy.lookup(role) !== undefined) return;
      const known = unknownRoles.get(role);
      if (known) known.count++;
      else unknownRoles.set(role, { count: 1, path: [...prefix, index, 'roles', roleIndex] });
    });
    subscriber.roles = roles;
    subscribers.push(subscriber);
  }
  for (const { count, path } of unknownFields.values()) {
    problems.push({
      severity: 'warning',
      file,
      line: lineOf(path),
      field: formatPath(path),
      message: `is not a subscriber field and is ignored${count > 1 ? ` (${count} subscribers)` : ''}`,
      hint: `use one of: ${[...KNOWN_FIELDS].join(', ')}`,
    });
  }
  // One warning per unknown role, not per subscriber: a 100k list with one typo stays readable.
  for (const [role, { count, path }] of unknownRoles) {
    const closest = taxonomy.closest(role);
    problems.push({
      severity: 'warning',
      file,
      line: lineOf(path),
      field: formatPath(path),
      message: `unknown role "${role}"${count > 1 ? ` (${count} subscribers)` : ''}`,
      hint: closest ? `did you mean ${closest}?` : 'add it to the role taxonomy',
    });
  }
  return { subscribers, problems };
}
