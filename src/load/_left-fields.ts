import type { Problem } from '../errors.js';
import { listCell } from './_not-mailed.js';
import { fromProviderColumns, type ProviderColumnProblem } from './_provider-columns.js';
import { formatPath } from './_validate.js';

/** The fields a JSON entry has of its own: any other says nothing to read here. */
const SUBSCRIBER_FIELDS = new Set(['email', 'name', 'firstName', 'roles', 'timezone', 'locale', 'status']);

/** What a JSON entry's fields beyond the subscriber's own say about whether to mail the reader. */
export interface LeftFieldsReading {
  /** The entry to validate: the provider fields read taken out, and the status they say put in. */
  entry: Record<string, unknown>;
  /** A field saying the reader left, or holding an unknown provider value; its key as written. */
  problem?: ProviderColumnProblem;
}

/**
 * A JSON entry read as a CSV row of the same columns is read: a provider's field rolecast reads
 * (Ghost's `"subscribed_to_emails": false`, Kit's `"state": "inactive"`) makes the reader
 * unsubscribed, and any other field saying the reader left (`"unsubscribed": true`,
 * `"Abgemeldet": "ja"`, `"status"` of Mailchimp's API beside it) is a problem, so the list is
 * refused rather than that reader mailed. Keys match in any case, as CSV headings do; `true`, `false`
 * and numbers are read as the words CSV holds. Returns undefined for an entry with only subscriber
 * fields (nearly every entry), so a large list pays nothing for this.
 */
export function readLeftFields(raw: unknown): LeftFieldsReading | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const entry = raw as Record<string, unknown>;
  let other = false;
  for (const key in entry)
    if (Object.hasOwn(entry, key) && !SUBSCRIBER_FIELDS.has(key)) {
      other = true;
      break;
    }
  if (!other) return undefined;
  const own = () => {
    // No prototype: a "__proto__" key is an ordinary field here, as it is in the parsed JSON.
    const row: Record<string, unknown> = Object.create(null);
    for (const key of SUBSCRIBER_FIELDS) if (Object.hasOwn(entry, key)) row[key] = entry[key];
    return row;
  };
  const row = own();
  // CSV headings are read lower-cased; the key as written is kept to name it back.
  const written = new Map<string, string>();
  // Keys written twice in different case ("unsubscribed" and "Unsubscribed"): each is read on its own.
  const again: { heading: string; cell: string; key: string }[] = [];
  for (const [key, value] of providerFields(entry)) {
    const cell = typeof value === 'string' ? value.trim() : Array.isArray(value) ? listCell(value) : scalarWord(value);
    // An empty cell, or a value CSV has no cell like: nothing to read.
    if (cell === undefined || cell === '') continue;
    let heading = key.trim().toLowerCase();
    // "Status" beside "status" must not stand in for it: kept as written, it is judged by its value
    // alone ("unsubscribed"). Without a "status", it is the status, as a CSV heading "Status" is.
    if (SUBSCRIBER_FIELDS.has(heading) && heading in row) heading = key;
    if (written.has(heading)) {
      again.push({ heading, cell, key });
      continue;
    }
    written.set(heading, key);
    row[heading] = cell;
  }
  let problem = fromProviderColumns(row);
  let field = problem && (written.get(problem.field) ?? written.get(problem.field.toLowerCase()) ?? problem.field);
  let left = unsubscribed(row.status);
  for (const { heading, cell, key } of again) {
    const alone = own();
    alone[heading] = cell;
    const said = fromProviderColumns(alone);
    left ||= unsubscribed(alone.status);
    if (said && !problem) [problem, field] = [said, key];
  }
  // The provider fields taken as read (`fromProviderColumns` deletes them), by the key as written.
  const read = new Set([...written].filter(([heading]) => !(heading in row)).map(([, key]) => key));
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(entry)) {
    if (read.has(key)) continue;
    // Defined, not assigned, only where that differs: a "__proto__" key stays an ordinary field.
    if (key === '__proto__')
      Object.defineProperty(kept, key, { value: entry[key], enumerable: true, writable: true, configurable: true });
    else kept[key] = entry[key];
  }
  // "Status" without a "status" is the status, as the CSV heading is: validated, not passed over.
  const statusKey = written.get('status');
  if (entry.status === undefined && statusKey !== undefined && statusKey !== 'status') {
    kept.status = entry[statusKey];
    delete kept[statusKey];
  }
  if (entry.status === undefined && left) kept.status = 'unsubscribed';
  if (!problem || field === undefined) return { entry: kept };
  return { entry: kept, problem: { ...problem, field, hint: problem.hint.replace(/\bcolumn\b/g, 'field') } };
}

/** Nested objects this deep are read (Klaviyo's `subscriptions.email.marketing.consent`). */
const DEEPEST = 4;

/**
 * The entry's fields other than the subscriber's own, with a field inside an object named by its
 * path (Ghost's `"email_suppression": { "suppressed": true }` as `email_suppression.suppressed`):
 * a provider's API writes where the reader stands inside such objects.
 */
function* providerFields(entry: Record<string, unknown>, path = '', depth = 1): Generator<[string, unknown]> {
  for (const key of Object.keys(entry)) {
    if (!path && SUBSCRIBER_FIELDS.has(key)) continue;
    const value = entry[key];
    const named = path ? `${path}.${key}` : key;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (depth < DEEPEST) yield* providerFields(value as Record<string, unknown>, named, depth + 1);
    } else yield [named, value];
  }
}

/** A status saying the reader left, in any case ("Unsubscribed"), as `status` itself is read. */
function unsubscribed(status: unknown): boolean {
  return typeof status === 'string' && status.trim().toLowerCase() === 'unsubscribed';
}

/** `true`, `false` and numbers as a CSV cell writes them; other values are not read. */
function scalarWord(value: unknown): string | undefined {
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  return undefined;
}

/**
 * `readLeftFields` over a list's entries, one error per distinct field and value (its first entry
 * named, with a count): a provider value new to rolecast in a large list is one line, not one per reader.
 */
export function createLeftFieldsCheck(file: string, prefix: readonly (string | number)[]) {
  const found = new Map<string, { problem: Problem; count: number }>();
  return {
    /** The entry to validate in place of `raw`. */
    entry(raw: unknown, index: number, lineOf: (path: readonly PropertyKey[]) => number): unknown {
      const reading = readLeftFields(raw);
      if (!reading) return raw;
      const { problem } = reading;
      if (problem) {
        const key = `${problem.field}\u0000${problem.message}`;
        const seen = found.get(key);
        if (seen) seen.count++;
        else {
          const path = [...prefix, index, problem.field];
          const { message, hint } = problem;
          const line = lineOf(path);
          found.set(key, {
            problem: { severity: 'error', file, line, field: formatPath(path), message, hint },
            count: 1,
          });
        }
      }
      return reading.entry;
    },
    problems(): Problem[] {
      return [...found.values()].map(({ problem, count }) =>
        count > 1 ? { ...problem, message: `${problem.message} (${count} entries)` } : problem,
      );
    },
  };
}
