import { addressProblem, canonicalAddress, isValidAddress, NOT_AN_ADDRESS, suppressibleAddress } from '../address.js';
import type { Problem } from '../errors.js';
import { unguardFormula } from '../load/_formula-guard.js';
import { JsonSyntaxError, parseJsonWithLines } from '../load/_json-lines.js';
import { byteLength, jsonTooDeepAt, LIMITS, tooDeep, tooLarge } from '../load/limits.js';
import { suppressionCsvRows } from './suppression-csv-rows.js';

/** A suppression may name an address an earlier release stored over SMTP's length limit. */
const ANY_LENGTH = { anyLength: true } as const;

/**
 * Reads bounce and complaint exports from email providers: a CSV with an address column, or JSON
 * (an array of addresses or of records, possibly wrapped in an object, or one record per line).
 * Every row that cannot be read is reported with its line, never silently dropped.
 */

export interface ImportedAddress {
  email: string;
  reason: string;
  line: number;
}

export interface SuppressionFileResult {
  entries: ImportedAddress[];
  problems: Problem[];
}

/** Column or key names that hold the address, compared lower-case without `_`, `-` or spaces. */
const ADDRESS_KEYS = ['email', 'emailaddress', 'address', 'recipient', 'mail'];
const REASON_KEYS = ['reason', 'type', 'event', 'bouncetype', 'error'];

export function parseSuppressionFile(text: string, file: string, defaultReason: string): SuppressionFileResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const size = byteLength(source);
  if (size > LIMITS.suppressionImportBytes)
    return { entries: [], problems: [tooLarge(file, size, LIMITS.suppressionImportBytes)] };
  const trimmed = source.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const deepAt = jsonTooDeepAt(source);
    if (deepAt !== undefined) return { entries: [], problems: [tooDeep(file, deepAt, 'json')] };
    return parseJson(source, file, defaultReason);
  }
  return parseCsv(source, file, defaultReason);
}

/** Where a row's address goes: the file it is read from, the reason a row gives none of, and the result. */
interface Reading {
  file: string;
  defaultReason: string;
  out: SuppressionFileResult;
}

const normaliseKey = (key: string) => key.toLowerCase().replace(/[\s_-]/g, '');

function pick(record: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const [key, value] of Object.entries(record)) if (keys.includes(normaliseKey(key))) return value;
  return undefined;
}

function accept(raw: unknown, reason: unknown, line: number, into: Reading): void {
  const { file, defaultReason, out } = into;
  const email = typeof raw === 'string' && raw.trim() !== '' ? suppressibleAddress(raw) : undefined;
  if (email === undefined) {
    // A control or invisible character is named by code point, never echoed.
    const problem = typeof raw === 'string' ? addressProblem(raw, ANY_LENGTH) : undefined;
    out.problems.push(
      rowProblem(
        file,
        line,
        raw === undefined || (typeof raw === 'string' && raw.trim() === '')
          ? 'no address found in this row'
          : problem && problem.message !== NOT_AN_ADDRESS
            ? `the address ${problem.message}`
            : `"${String(raw)}" ${NOT_AN_ADDRESS}`,
        'fix or remove the row; the other rows were read',
      ),
    );
    return;
  }
  const why = typeof reason === 'string' && reason.trim() ? reason.trim() : defaultReason;
  out.entries.push({ email, reason: why, line });
}

/** A JSON item: an address, or a record with one address however many of its fields name it. */
function acceptItem(item: unknown, line: number, into: Reading): void {
  if (!isRecord(item)) {
    accept(item, undefined, line, into);
    return;
  }
  const fields = Object.entries(item).filter(([key]) => ADDRESS_KEYS.includes(normaliseKey(key)));
  acceptFields(fields, pick(item, REASON_KEYS), line, into);
}

/**
 * The address of a record or row from its address fields. Two fields naming different mailboxes are
 * refused: which one was meant is not ours to guess, and suppressing only one would leave the other mailable.
 */
function acceptFields(fields: [string, unknown][], reason: unknown, line: number, into: Reading): void {
  const { file, out } = into;
  const written = fields.filter(([, value]) => typeof value === 'string' && value.trim() !== '');
  // Only a value with an "@" can name another mailbox: Mailchimp's "Address" column is the postal one.
  const mailboxes = written.filter(([, value]) => (value as string).includes('@'));
  const first = mailboxes[0] ?? written[0];
  const other = first && mailboxes.find(([, value]) => mailboxKey(value) !== mailboxKey(first[1]));
  if (first && other) {
    out.problems.push(
      rowProblem(
        file,
        line,
        `two different addresses, in "${first[0]}" and "${other[0]}"`,
        'keep one address per record, or one per row; the other rows were read',
      ),
    );
    return;
  }
  accept((first ?? fields[0])?.[1], reason, line, into);
}

/** A row whose address cannot be suppressed: an error, so the import says what it left out. */
function rowProblem(file: string, line: number, message: string, hint: string): Problem {
  return { severity: 'error', file, line, field: 'email', message, hint };
}

/** Two spellings of one mailbox (case, surrounding blanks) are the same address. */
function mailboxKey(value: unknown): string {
  const text = String(value);
  return isValidAddress(text, ANY_LENGTH) ? canonicalAddress(text) : text.trim();
}

function parseJson(text: string, file: string, defaultReason: string): SuppressionFileResult {
  const out: SuppressionFileResult = { entries: [], problems: [] };
  let parsed: ReturnType<typeof parseJsonWithLines>;
  try {
    parsed = parseJsonWithLines(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    // Not one JSON document: maybe one record per line (JSON Lines).
    const lines = parseJsonLines(text, file, defaultReason);
    if (lines) return lines;
    out.problems.push({ severity: 'error', file, line: error.line, field: 'json', message: error.message });
    return out;
  }
  const lists = findLists(parsed.value);
  if (lists.length === 0) {
    out.problems.push({
      severity: 'error',
      file,
      line: 1,
      message: 'no list of addresses found',
      hint: 'expected an array of addresses, or of objects with an "email", "address" or "recipient" field',
    });
    return out;
  }
  for (const { items, path } of lists) {
    items.forEach((item, index) => {
      acceptItem(item, parsed.lineOf([...path, index]), { file, defaultReason, out });
    });
  }
  return out;
}

function parseJsonLines(text: string, file: string, defaultReason: string): SuppressionFileResult | undefined {
  const out: SuppressionFileResult = { entries: [], problems: [] };
  const lines = text.split(/\r?\n/);
  let records = 0;
  lines.forEach((raw, index) => {
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      out.problems.push({ severity: 'error', file, line: index + 1, field: 'json', message: 'not valid JSON' });
      return;
    }
    records++;
    acceptItem(value, index + 1, { file, defaultReason, out });
  });
  return records > 0 ? out : undefined;
}

interface AddressList {
  items: unknown[];
  path: PropertyKey[];
}

/**
 * The array itself, or the arrays of a wrapper object (`{"items": […]}`) that hold addresses: every
 * one of them, as an export may split its list. A lone array is read even without an address, so
 * its rows are reported; other arrays without one (`"errors": []`) are not lists of addresses.
 */
function findLists(value: unknown): AddressList[] {
  if (Array.isArray(value)) return [{ items: value, path: [] }];
  if (!isRecord(value)) return [];
  const arrays = Object.entries(value).flatMap(([key, field]) =>
    Array.isArray(field) ? [{ items: field, path: [key] }] : [],
  );
  const withAddresses = arrays.filter(({ items }) => items.some(holdsAddress));
  return withAddresses.length > 0 || arrays.length !== 1 ? withAddresses : arrays;
}

function holdsAddress(item: unknown): boolean {
  if (typeof item === 'string') return isValidAddress(item, ANY_LENGTH);
  return isRecord(item) && pick(item, ADDRESS_KEYS) !== undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseCsv(text: string, file: string, defaultReason: string): SuppressionFileResult {
  const out: SuppressionFileResult = { entries: [], problems: [] };
  // `"ann@example.com"x` reads as ann@example.comx: the row is not read, and said so.
  const rows = suppressionCsvRows(
    text,
    (quoteLine, rowLine) =>
      out.problems.push({
        severity: 'error',
        file,
        line: rowLine,
        message: `a quote opened on line ${quoteLine} is never closed: this row was read only as far as the quote`,
        hint: 'close the quote (") or remove it, then import the file again (addresses already suppressed keep their record); the rows after it were read',
      }),
    (line) =>
      out.problems.push({
        severity: 'error',
        file,
        line,
        message: 'has text after the closing quote of a cell',
        hint: 'put the text inside the quotes, or a comma between the quoted cell and the text; the other rows were read',
      }),
  );
  const header = rows[0];
  if (!header) return out;
  const names = header.cells.map((cell) => normaliseKey(cell.trim()));
  let addressColumns = names.flatMap((name, index) => (ADDRESS_KEYS.includes(name) ? [index] : []));
  const reasonColumn = names.findIndex((name) => REASON_KEYS.includes(name));
  let body = rows.slice(1);
  if (addressColumns.length === 0) {
    // No header: a plain list of addresses, one per line.
    if (suppressibleAddress(header.cells[0] ?? '') === undefined) {
      out.problems.push({
        severity: 'error',
        file,
        line: header.line,
        message: 'no address column found',
        hint: 'name the column "email", "address" or "recipient", or list one address per line',
      });
      return out;
    }
    addressColumns = [0];
    body = rows;
  }
  // A plain list has one address per line; a CSV row, no more cells than its header names.
  const width = body === rows ? 1 : header.cells.length;
  for (const row of body) {
    if (row.joined) continue;
    // A row cut at a quote never closed (already named): read only when its address came before the quote.
    if (row.cut && addressColumns.some((column) => column >= row.cells.length)) continue;
    if (filledWidth(row.cells) > width) {
      out.problems.push(cellsPastHeader(file, row.line, filledWidth(row.cells), width, body === rows));
      continue;
    }
    const reason = reasonColumn >= 0 ? row.cells[reasonColumn] : undefined;
    // Not trimmed here: the address is checked as written, so an invisible character at its edge is reported.
    const fields = addressColumns.map((column): [string, unknown] => [header.cells[column]!.trim(), row.cells[column]]);
    acceptFields(fields, reason, row.line, { file, defaultReason, out });
    // A CSV rolecast exported guards a cell starting "+" or "-" with a "'": the address it guarded is
    // suppressed as well. The one as written stays too: a "'" may begin an address of its own.
    const unguarded = fields.map(([name, value]): [string, unknown] => [
      name,
      typeof value === 'string' ? unguardFormula(value) : value,
    ]);
    if (unguarded.some(([, value], k) => value !== fields[k]![1]))
      acceptFields(unguarded, reason, row.line, { file, defaultReason, out });
  }
  return out;
}

/** The number of cells up to the last one that holds anything: trailing empty cells do not count. */
function filledWidth(cells: readonly string[]): number {
  let width = cells.length;
  while (width > 0 && cells[width - 1]!.trim() === '') width--;
  return width;
}

/** A row wider than its header: the extra cells may hold an address, so the row is not read at all. */
function cellsPastHeader(file: string, line: number, cells: number, width: number, plainList: boolean): Problem {
  return {
    severity: 'error',
    file,
    line,
    message: plainList
      ? `this line holds ${cells} values where a plain list has one address per line`
      : `this row has ${cells} cells where the header names ${width}`,
    hint: 'put one address per row, or quote a cell that holds the separator; the other rows were read',
  };
}
