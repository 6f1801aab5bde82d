import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { canonicalAddress } from '../address.js';
import { append } from '../append.js';
import { detach } from '../detach.js';
import type { Problem } from '../errors.js';
import { type Subscriber, SubscriberSchema, SubscribersFileSchema } from '../model/subscriber.js';
import { SubscriberTable } from '../model/subscriber-table.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { closestWord } from '../suggest.js';
import { createAddressSet } from './_address-set.js';
import { createCsvReader } from './_csv.js';
import { displayPath } from './_display.js';
import { unguardFormula } from './_formula-guard.js';
import { hasDuplicateKeys, JsonSyntaxError, type JsonWithLines, parseJsonWithLines } from './_json-lines.js';
import { entryText, type JsonListStream, NotStreamable, type StreamedEntry, streamJsonList } from './_json-stream.js';
import { createLeftFieldsCheck } from './_left-fields.js';
import { fromProviderColumns } from './_provider-columns.js';
import { fastSubscriber } from './_subscriber-fast.js';
import { decodedChunks, utf16Encoding } from './_utf16.js';
import { formatPath, zodProblems } from './_validate.js';
import { byteLength, fileSize, jsonTooDeepAt, LIMITS, tooDeep, tooLarge } from './limits.js';

export interface SubscribersLoadResult {
  subscribers: Subscriber[];
  problems: Problem[];
}

/** The same, with the readers kept as a compact table (what a send of a large list holds). */
export interface SubscriberTableResult {
  table: SubscriberTable;
  problems: Problem[];
}

const listed = ({ table, problems }: SubscriberTableResult): SubscribersLoadResult => ({
  subscribers: table.toArray(),
  problems,
});

export async function loadSubscribers(file: string, taxonomy: RoleTaxonomy): Promise<SubscribersLoadResult> {
  return listed(await loadSubscriberTable(file, taxonomy));
}

/** `loadSubscribers`, keeping the readers as a table rather than an object each. */
export async function loadSubscriberTable(file: string, taxonomy: RoleTaxonomy): Promise<SubscriberTableResult> {
  const shown = displayPath(file);
  const size = await fileSize(file);
  if (size !== undefined && size > LIMITS.subscriberListBytes) return tooBig(shown, size);
  let first: Buffer;
  try {
    first = await readStart(file);
  } catch {
    return rejected(shown, undefined, 'file', 'not found', 'check the --subscribers path');
  }
  const utf16 = utf16Encoding(first);
  const start = utf16 ? new TextDecoder(utf16).decode(first) : first.toString('utf8');
  if (file.toLowerCase().endsWith('.csv') || looksLikeCsv(start)) {
    return streamSubscribersCsv(file, shown, taxonomy);
  }
  // A UTF-16 JSON list (rare) is read whole: the stream reads UTF-8 bytes.
  if (utf16) return parseTable(new TextDecoder(utf16).decode(await readFile(file)), shown, taxonomy);
  return streamSubscribers(file, shown, taxonomy);
}

/** Enough of the file's start to tell CSV from JSON (see `looksLikeCsv`). */
async function readStart(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Small enough that a chunk is checked and dropped before a young-generation collection moves it to
 * the old generation: a megabyte chunk lived until a full collection, and a million-reader list
 * kept some 40 MB of read chunks waiting for one.
 */
const CHUNK_BYTES = 64 * 1024;

/**
 * A JSON list read entry by entry: neither the file's text nor the parsed array is ever whole in
 * memory. A list the stream cannot take as it is (a syntax error, an unusual shape) is read whole,
 * so its problems are reported exactly as `parseSubscribers` reports them.
 */
function streamSubscribers(file: string, shown: string, taxonomy: RoleTaxonomy): Promise<SubscriberTableResult> {
  return readStream(createReadStream(file, { highWaterMark: CHUNK_BYTES }), shown, taxonomy, () =>
    readFile(file, 'utf8'),
  );
}

/** `parseSubscribers` over a byte stream; `whole` reads the same text again when it must be read whole. */
export async function readSubscriberStream(
  chunks: AsyncIterable<Buffer>,
  file: string,
  taxonomy: RoleTaxonomy,
  whole: () => Promise<string>,
): Promise<SubscribersLoadResult> {
  return listed(await readStream(chunks, file, taxonomy, whole));
}

async function readStream(
  chunks: AsyncIterable<Buffer>,
  file: string,
  taxonomy: RoleTaxonomy,
  whole: () => Promise<string>,
): Promise<SubscriberTableResult> {
  let validator: EntryValidator | undefined;
  let root: JsonListStream['root'];
  try {
    ({ root } = await streamJsonList(chunks, (entries, prefix) => {
      validator ??= createEntryValidator(file, taxonomy, prefix);
      // One function per run of entries, not per entry: it answers for the entry being checked.
      let entry: StreamedEntry;
      let inner: JsonWithLines | undefined;
      // Lines inside an entry are worked out from its own text, only when there is something to report.
      const lineOf = (path: readonly PropertyKey[]) => {
        if (path.length <= prefix.length + 1) return entry.line;
        inner ??= parseJsonWithLines(entryText(entry));
        return inner.lineOf(path.slice(prefix.length + 1)) + entry.line - 1;
      };
      for (const next of entries) {
        entry = next;
        inner = undefined;
        validator.add(entry.value, lineOf);
      }
    }));
    // A "$schema" that is not a string: refused as the whole-file reader refuses it.
    if (root && !SubscribersFileSchema.safeParse(root.value).success) throw new NotStreamable('not a subscribers file');
  } catch (error) {
    if (!(error instanceof NotStreamable)) throw error;
    validator = undefined;
    return parseTable(await whole(), file, taxonomy);
  }
  const result = validator ? validator.finish() : { table: new SubscriberTable(), problems: [] };
  if (root) append(result.problems, besideTheList(file, Object.keys(root.value), root.lineOf));
  return result;
}

/** A CSV list read row by row (see `parseSubscribersCsv`). */
function streamSubscribersCsv(file: string, shown: string, taxonomy: RoleTaxonomy): Promise<SubscriberTableResult> {
  // Smaller pieces than JSON's: each is decoded to a string, and a string under 128 KB dies young.
  return readCsvStream(createReadStream(file, { highWaterMark: 64 * 1024 }), shown, taxonomy);
}

/**
 * `parseSubscribersCsv` over a byte stream, split anywhere (a chunk may end inside a character),
 * in UTF-8 or, after its byte order mark, UTF-16 (Excel's "Unicode Text", tab separated).
 */
export async function readSubscriberCsvStream(
  chunks: AsyncIterable<Buffer>,
  file: string,
  taxonomy: RoleTaxonomy,
): Promise<SubscribersLoadResult> {
  return listed(await readCsvStream(chunks, file, taxonomy));
}

async function readCsvStream(
  chunks: AsyncIterable<Buffer>,
  file: string,
  taxonomy: RoleTaxonomy,
): Promise<SubscriberTableResult> {
  const rows = csvEntries(file, taxonomy);
  const reader = createCsvReader(rows.row, rows.unclosed, rows.textAfterQuote);
  for await (const text of decodedChunks(chunks)) {
    reader.push(text);
    if (rows.refused()) return rows.finish();
  }
  reader.end();
  return rows.finish();
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
  return header.split(/[,;\t]/).some((cell) => columnName(cell.trim().replace(/^"|"$/g, '')) === 'email');
}

const tooBig = (file: string, size: number): SubscriberTableResult => ({
  table: new SubscriberTable(),
  problems: [tooLarge(file, size, LIMITS.subscriberListBytes)],
});

/** A file that cannot be read as a list at all: one error, no subscribers. */
function rejected(
  file: string,
  line: number | undefined,
  field: string,
  message: string,
  hint: string,
): SubscriberTableResult {
  return {
    table: new SubscriberTable(),
    problems: [{ severity: 'error', file, ...(line === undefined ? {} : { line }), field, message, hint }],
  };
}

/**
 * CSV lists as exported by sign-up forms: a header row with `email` and optionally `name`, `firstName`, `roles`
 * (separated by `|`, `;` or `,`), `timezone`, `locale`, `status`. Converted to entries and validated as JSON is.
 */
export function parseSubscribersCsv(text: string, file: string, taxonomy: RoleTaxonomy): SubscribersLoadResult {
  const size = byteLength(text);
  if (size > LIMITS.subscriberListBytes) return listed(tooBig(file, size));
  const rows = csvEntries(file, taxonomy);
  // Rows are taken as the reader ends them, as the streamed reader does: a problem the reader
  // tells of (text after a quote) then comes in the same order among the rows' own.
  const reader = createCsvReader(
    (cells, line, joined) => {
      if (!rows.refused()) rows.row(cells, line, joined);
    },
    rows.unclosed,
    rows.textAfterQuote,
  );
  reader.push(text);
  reader.end();
  return listed(rows.finish());
}

/** CSV rows, header first, turned into entries and validated as they come. */
function csvEntries(file: string, taxonomy: RoleTaxonomy) {
  let columns: string[] | undefined;
  let refusal: SubscriberTableResult | undefined;
  // Cells are slices of the text read: what a kept reader holds is copied out (the table copies its
  // own text; roles are copied by `detach`).
  const validator = createEntryValidator(file, taxonomy, [], {
    copyKept: true,
    undecodableSaid: true,
    leftFieldsRead: true,
  });
  // Rows the file's own shape makes wrong, said once each; errors, so nothing is sent from the list.
  const shapeProblems: Problem[] = [];
  // Provider cells that say nothing known, one error per distinct cell: a new provider type in a
  // large list is one line, not one per reader.
  const providerProblems = new Map<string, { problem: Problem; count: number }>();
  let undecodable = false;
  return {
    unclosed(line: number): void {
      // Every row after it was read into one cell: readers lost, their addresses in someone's roles.
      refusal ??= rejected(
        file,
        line,
        'text',
        'a quoted cell opened on this line is never closed: every line after it was read into that cell',
        'close the quote (") or remove it, then load the list again',
      );
    },
    textAfterQuote(line: number): void {
      // `"ann@example.com"x` reads as ann@example.comx: someone else's address, or a mangled name.
      shapeProblems.push({
        severity: 'error',
        file,
        line,
        field: 'row',
        message: 'has text after the closing quote of a cell',
        hint: 'put the text inside the quotes, or a delimiter between the quoted cell and the text',
      });
    },
    /** `joined`: a cell had text after its closing quote, said by `textAfterQuote`; the row is not read. */
    row(cells: string[], line: number, joined = false): void {
      if (refusal || (columns && joined)) return;
      // Excel's "sep=;" line before the header (split at its own delimiter: "sep=" and "").
      if (!columns && /^sep=.?$/i.test(cells[0]!.trim()) && cells.slice(1).every((cell) => cell.trim() === '')) return;
      if (!undecodable && cells.some((cell) => cell.includes('\ufffd'))) {
        undecodable = true;
        shapeProblems.push({
          severity: 'warning',
          file,
          line,
          field: 'text',
          message: "holds U+FFFD, a character the file's encoding could not give (names show it as �)",
          hint: 'save the list as UTF-8 (in Excel: "CSV UTF-8") and load it again',
        });
      }
      if (columns && cells.length > columns.length && cells.slice(columns.length).some((cell) => cell.trim() !== '')) {
        // "ann@x,Smith, Ann,CTO": the cells after the header's last column would be dropped unseen.
        shapeProblems.push({
          severity: 'error',
          file,
          line,
          field: 'row',
          message: `has ${cells.length} cells, and the header row has ${columns.length}`,
          hint: 'quote a cell that holds the delimiter ("Smith, Ann") or add the missing column to the header',
        });
        return;
      }
      if (!columns) {
        columns = cells.map(columnName);
        const twice = columns.find((name, index) => name !== '' && columns!.indexOf(name) !== index);
        if (twice !== undefined) {
          // Each row would keep only the last of the two cells, without a word.
          refusal = rejected(
            file,
            1,
            twice,
            `the header row names the "${twice}" column twice`,
            'keep one column of each name (join the roles into one cell, separated by commas or semicolons)',
          );
          return;
        }
        if (!columns.includes('email')) {
          refusal = rejected(
            file,
            1,
            'email',
            'the header row has no "email" column',
            'start the file with a header such as: email,name,roles,timezone',
          );
        }
        return;
      }
      const entry: Record<string, unknown> = {};
      // Only the cells the row has: a header of thousands of columns must not cost that much per row.
      for (let index = 0; index < Math.min(columns.length, cells.length); index++) {
        // Without the `'` an export puts before a cell a spreadsheet would run as a formula.
        const written = unguardFormula(cells[index]!);
        if (written.trim() === '') continue;
        // The address is checked as written: a control character at its edge is refused, not trimmed
        // off. A roles cell is split by the same rule as a roles string in JSON. Defined, not
        // assigned, so a "__proto__" column is an ordinary (unknown) field, as it is in JSON.
        const column = columns[index]!;
        const value = column === 'email' ? written : written.trim();
        // Assigned where that means the same: an object given properties by `defineProperty` is slow to read.
        if (column === '__proto__')
          Object.defineProperty(entry, column, { value, enumerable: true, writable: true, configurable: true });
        else entry[column] = value;
      }
      const provider = fromProviderColumns(entry);
      if (provider) {
        const key = `${provider.field}\u0000${provider.message}`;
        const seen = providerProblems.get(key);
        if (seen) seen.count++;
        else providerProblems.set(key, { problem: { severity: 'error', file, line, ...provider }, count: 1 });
      }
      validator.add(entry, () => line);
    },
    refused: () => refusal !== undefined,
    finish(): SubscriberTableResult {
      if (refusal) return refusal;
      if (!columns)
        return rejected(
          file,
          1,
          'email',
          'the header row has no "email" column',
          'start the file with a header such as: email,name,roles,timezone',
        );
      const result = validator.finish();
      for (const { problem, count } of providerProblems.values())
        shapeProblems.push(count > 1 ? { ...problem, message: `${problem.message} (${count} rows)` } : problem);
      return shapeProblems.length ? { ...result, problems: [...shapeProblems, ...result.problems] } : result;
    },
  };
}

/**
 * Header cells match in any case; the one camel-case field, `firstName`, is also accepted the way
 * spreadsheets and providers spell it (`first_name`, `First Name`).
 */
function columnName(cell: string): string {
  const name = cell.trim().toLowerCase();
  if (/^first[ _]?name$/.test(name)) return 'firstName';
  if (/^last[ _]?name$/.test(name)) return 'lastName';
  // Mailchimp's "Email Address", ConvertKit's "email_address", "E-Mail" and "E-Mail-Adresse" in German exports.
  return /^e[-_ ]?mail(?:[-_ ]?(?:address|adresse))?$/.test(name) ? 'email' : name;
}

/**
 * Validates every entry and reports each bad one (index, field, why). Large lists take the fast
 * path (JSON.parse); line numbers are worked out only when there is something to report.
 */
export function parseSubscribers(text: string, file: string, taxonomy: RoleTaxonomy): SubscribersLoadResult {
  return listed(parseTable(text, file, taxonomy));
}

function parseTable(text: string, file: string, taxonomy: RoleTaxonomy): SubscriberTableResult {
  const size = byteLength(text);
  if (size > LIMITS.subscriberListBytes) return tooBig(file, size);
  const source = text.replace(/^\uFEFF/, '');
  const deepAt = jsonTooDeepAt(source);
  if (deepAt !== undefined) return { table: new SubscriberTable(), problems: [tooDeep(file, deepAt, 'json')] };
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

  if (hasDuplicateKeys(source, value))
    try {
      parseJsonWithLines(source);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      return rejected(file, error.line, 'json', error.message, 'write each field once per subscriber');
    }

  let withLines: JsonWithLines | undefined;
  const lineOf = (path: readonly PropertyKey[]) => {
    withLines ??= parseJsonWithLines(source);
    return withLines.lineOf(path as (string | number)[]);
  };

  const shape = SubscribersFileSchema.safeParse(value, { reportInput: true });
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

  const result = validateEntries(entries, file, taxonomy, lineOf, prefix);
  if (!Array.isArray(value) && typeof value === 'object' && value !== null)
    append(
      result.problems,
      besideTheList(file, Object.keys(value), (key) => lineOf([key])),
    );
  return result;
}

/**
 * Beside the list, only "$schema" is expected: anything else (a misspelt "subscriber": […]) would be
 * readers who silently get nothing, so each is warned about.
 */
function besideTheList(file: string, keys: string[], lineOf: (key: string) => number): Problem[] {
  return keys
    .filter((key) => key !== 'subscribers' && key !== '$schema')
    .map((key) => ({
      severity: 'warning',
      file,
      line: lineOf(key),
      field: key,
      message: 'is not a known field and is ignored; only "subscribers" is read',
      hint: 'put every reader in the "subscribers" list',
    }));
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
    .split(/[|;,\r\n]/)
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
): SubscriberTableResult {
  const validator = createEntryValidator(file, taxonomy, prefix);
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    entries[index] = undefined; // let the raw entry be collected as we go
    validator.add(entry, lineOf);
  }
  return validator.finish();
}

export interface EntryValidator {
  /** Checks the next entry; `lineOf` answers for paths from the document's root. */
  add(entry: unknown, lineOf: (path: readonly PropertyKey[]) => number): void;
  finish(): SubscriberTableResult;
}

/**
 * Validates entries one at a time, in file order, so a list can be checked as it is read. Keeps
 * only what the result needs: the subscribers, one canonical address per reader for duplicates,
 * and one record per distinct unknown field or role.
 */
export function createEntryValidator(
  file: string,
  taxonomy: RoleTaxonomy,
  prefix: readonly (string | number)[],
  options: {
    /** Copy the text a kept reader holds out of the file's text (CSV cells are slices of it). */
    copyKept?: boolean;
    /** U+FFFD is said by the reader of the file (CSV says it of any cell). */
    undecodableSaid?: boolean;
    /** Fields saying a reader left are read by the reader of the file (CSV reads them per row). */
    leftFieldsRead?: boolean;
  } = {},
): EntryValidator {
  const kept = options.copyKept ? detach : (text: string) => text;
  // A JSON file is UTF-8; bytes that were not decoded to U+FFFD: the name or role they stood for is lost.
  let undecodableSaid = options.undecodableSaid ?? false;
  const problems: Problem[] = [];
  const table = new SubscriberTable();
  // A kept reader's canonical address is worked out again from the table when asked for: only on
  // an equal hash (a duplicate, or a rare collision). Kept, a list with capitals or Unicode domains
  // in every address would hold a second string per reader while it is read.
  const seen = createAddressSet((reader) => canonicalAddress(table.email(reader)));
  // Addresses the list says unsubscribed: a later duplicate saying so must not lose to an earlier active one.
  const unsubscribed = new Set<string>();
  // Lists are large and role sets repeat: share one roles array per distinct set written, and look
  // its roles up in the taxonomy once. `unknown` holds the position of each role it does not know.
  const roleSets = new Map<string, { roles: string[]; unknown: number[] }>();
  const unknownRoles = new Map<string, { count: number; path: (string | number)[]; line: number }>();
  const unknownFields = new Map<string, { count: number; path: (string | number)[]; line: number }>();
  // A JSON entry's "unsubscribed": true, read as the same CSV column is.
  const left = options.leftFieldsRead ? undefined : createLeftFieldsCheck(file, prefix);
  let index = -1;
  const add = (given: unknown, lineOf: (path: readonly PropertyKey[]) => number): void => {
    index++;
    const raw = left ? left.entry(given, index, lineOf) : given;
    const entry = lenient(raw);
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
      return;
    }
    // The schema judges only what the fast check is not sure of (and words every problem). An entry
    // the fast check takes has known fields only.
    const fast = fastSubscriber(entry ?? raw);
    if (entry && !fast) {
      for (const field of Object.keys(entry)) {
        if (KNOWN_FIELDS.has(field)) continue;
        const seenField = unknownFields.get(field);
        if (seenField) seenField.count++;
        else {
          const path = [...prefix, index, field];
          unknownFields.set(field, { count: 1, path, line: lineOf(path) });
        }
      }
    }
    const result = fast
      ? { success: true as const, data: fast }
      : SubscriberSchema.safeParse(entry ?? raw, { reportInput: true });
    if (!result.success) {
      append(
        problems,
        result.error.issues.flatMap((issue) =>
          zodProblems({ issues: [issue] } as typeof result.error, file, lineOf, subscriberHint, [...prefix, index]).map(
            (problem) => withBadValue(problem, valueAt(entry, issue.path)),
          ),
        ),
      );
      return;
    }
    const subscriber = result.data;
    const undecodable = undecodableSaid ? undefined : undecodableField(subscriber);
    if (undecodable) {
      undecodableSaid = true;
      const field = undecodable;
      problems.push({
        severity: 'warning',
        file,
        line: lineOf([...prefix, index, field]),
        field: formatPath([...prefix, index, field]),
        message: "holds U+FFFD, a character the file's encoding could not give (names show it as �)",
        hint: 'write the list as UTF-8 and load it again',
      });
    }
    const key = canonicalAddress(subscriber.email);
    const first = seen.addOrFirst(key, table.length, index);
    if (first >= 0 && subscriber.status === 'unsubscribed' && !unsubscribed.has(key)) {
      // Keeping the first would mail someone the list itself says left.
      problems.push({
        severity: 'error',
        file,
        line: lineOf([...prefix, index]),
        field: formatPath([...prefix, index, 'status']),
        message: `duplicate of entry [${first}], which is not unsubscribed, and this one is`,
        hint: 'keep one entry per address: this one, if the reader left',
      });
      return;
    }
    if (first >= 0) {
      problems.push({
        severity: 'warning',
        file,
        line: lineOf([...prefix, index]),
        field: formatPath([...prefix, index, 'email']),
        message: `duplicate of entry [${first}]; only the first is used`,
        hint: 'remove one of the two entries',
      });
      return;
    }
    if (subscriber.status === 'unsubscribed') unsubscribed.add(key);
    // A role holding the separator itself is never shared: ["a\u0000b"] is not ["a", "b"].
    const written = subscriber.roles.some((role) => role.includes('\u0000'))
      ? undefined
      : subscriber.roles.join('\u0000');
    let set = written === undefined ? undefined : roleSets.get(written);
    if (!set) {
      const roles: string[] = [];
      const unknown: number[] = [];
      subscriber.roles.forEach((role, roleIndex) => {
        const name = taxonomy.normalise(role);
        if (!roles.includes(name)) roles.push(kept(name));
        if (taxonomy.lookup(role) === undefined) unknown.push(roleIndex);
      });
      set = { roles, unknown };
      if (written !== undefined) roleSets.set(written, set);
    }
    for (const roleIndex of set.unknown) {
      const role = subscriber.roles[roleIndex]!;
      const known = unknownRoles.get(role);
      if (known) known.count++;
      else {
        const path = [...prefix, index, 'roles', roleIndex];
        unknownRoles.set(kept(role), { count: 1, path, line: lineOf(path) });
      }
    }
    subscriber.roles = set.roles;
    // The table keeps its own copy of the reader's text: the entry itself is dropped.
    table.push(subscriber);
  };
  return {
    add,
    finish: () => {
      if (left) problems.unshift(...left.problems());
      return finishValidation(file, taxonomy, table, problems, unknownFields, unknownRoles);
    },
  };
}

function finishValidation(
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
    const closest = taxonomy.closest(role);
    problems.push({
      severity: 'warning',
      file,
      line,
      field: formatPath(path),
      message: `unknown role "${role}"${count > 1 ? ` (${count} subscribers)` : ''}`,
      hint: closest ? `did you mean ${closest}?` : 'add it to the role taxonomy',
    });
  }
  return { table, problems };
}

/** The first text field of a reader holding U+FFFD, if any. */
function undecodableField(subscriber: Subscriber): 'name' | 'firstName' | 'roles' | undefined {
  if (subscriber.name?.includes('\ufffd')) return 'name';
  if (subscriber.firstName?.includes('\ufffd')) return 'firstName';
  return subscriber.roles.some((role) => role.includes('\ufffd')) ? 'roles' : undefined;
}

/** The field probably meant ("nmae" → name), else the list of fields. */
function fieldHint(written: string): string {
  const closest = closestWord(written, KNOWN_FIELDS);
  return closest ? `did you mean "${closest}"?` : `use one of: ${[...KNOWN_FIELDS].join(', ')}`;
}
