import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { append } from '../append.js';
import type { Problem } from '../errors.js';
import { SubscribersFileSchema } from '../model/subscriber.js';
import { SubscriberTable } from '../model/subscriber-table.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { createCsvReader } from './_csv.js';
import { displayPath } from './_display.js';
import { hasDuplicateKeys, JsonSyntaxError, type JsonWithLines, parseJsonWithLines } from './_json-lines.js';
import { entryText, type JsonListStream, NotStreamable, type StreamedEntry, streamJsonList } from './_json-stream.js';
import { csvEntries, looksLikeCsv } from './_subscriber-csv.js';
import {
  listed,
  rejected,
  type SubscribersLoadResult,
  type SubscriberTableResult,
  tooBig,
} from './_subscriber-results.js';
import { createEntryValidator, type EntryValidator, validateEntries } from './_subscriber-validator.js';
import { decodedChunks, utf16Encoding } from './_utf16.js';
import { byteLength, fileSize, jsonTooDeepAt, LIMITS, tooDeep } from './limits.js';

export { looksLikeCsv } from './_subscriber-csv.js';
export type { SubscribersLoadResult, SubscriberTableResult } from './_subscriber-results.js';
export { createEntryValidator, type EntryValidator } from './_subscriber-validator.js';

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
