import { JsonSyntaxError, parseJsonWithLines } from './_json-lines.js';
import { LIMITS } from './limits.js';

/**
 * Reads a JSON subscriber list — `[ … ]` or `{ "subscribers": [ … ] }`, whose other keys (`$schema`,
 * a note) may hold small values before or after the list — entry by entry from a byte stream, so a
 * list of a million readers is never one string nor one parsed array. Anything else (a syntax error,
 * a key written twice, large values beside the list, nesting past the limit) throws `NotStreamable`,
 * and the caller reads the file whole, so every error keeps the exact message and line of the
 * whole-file reader.
 *
 * Works on bytes: every structural character is ASCII, and UTF-8 never uses ASCII bytes inside a
 * multi-byte sequence, so a chunk boundary can fall anywhere, even inside a character.
 */

export class NotStreamable extends Error {}

export interface StreamedEntry {
  value: unknown;
  /** The line the entry starts on. */
  line: number;
  /** Where the entry's bytes are: decoded (`entryText`) only when a line inside it is asked for. */
  source: Buffer;
  from: number;
  to: number;
}

/** The entry's own text. */
export function entryText(entry: StreamedEntry): string {
  return entry.source.toString('utf8', entry.from, entry.to);
}

export interface JsonListStream {
  /** Path of the list in the document: `[]` or `['subscribers']`. */
  readonly prefix: (string | number)[];
  /** A root object with its list left empty (its other values are small), and the line of each key. */
  readonly root?: { value: Record<string, unknown>; lineOf(key: string): number };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COLON = 0x3a;
/** Keeps what is read before or after the list small: more than this is read whole instead. */
const EDGE_LIMIT = 64 * 1024;
const RUN_BYTES = 32 * 1024;

const ARRAY_TAIL = /^\s*$/;
const LIST_KEY = Buffer.from('subscribers');

const isSpace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === NEWLINE || byte === 0x0d;

/**
 * Calls `onEntries` with each run of whole entries found in a chunk, in file order. Entries that
 * cross a chunk boundary are joined first; runs within one chunk are decoded and parsed in one go.
 */
export async function streamJsonList(
  chunks: AsyncIterable<Buffer>,
  onEntries: (entries: StreamedEntry[], prefix: (string | number)[]) => void,
): Promise<JsonListStream> {
  // Where the reader is: before the root, in the head of a root object, in the list, after it.
  let phase: 'start' | 'head' | 'list' | 'tail' = 'start';
  let prefix: (string | number)[] = [];
  let edge: Buffer[] = [];
  let edgeBytes = 0;
  let line = 1;
  let first = true;
  // The root object's text before the list, and the lines where it and the text after the list begin.
  let head = '';
  let rootLine = 1;
  let tailLine = 1;
  // In the head: nesting (the root object is 1), and whether the last string at the root's own
  // level was the key "subscribers", so the '[' after it opens the list.
  let headDepth = 0;
  let stringFrom = 0;
  let afterListKey = false;
  // Inside the list: depth below the list, string state, the entry being read.
  let depth = 0;
  let inString = false;
  let escaped = false;
  let entryStarted = false;
  let entryLine = 1;
  // Keys written at the entry's own level: more than its parsed object has means a key written
  // twice, which JSON.parse resolves silently (the last wins); the whole-file reader reports it.
  let entryKeys = 0;
  let commas = 0;
  // The entry that began in an earlier chunk: its bytes so far.
  let carried: Buffer[] = [];

  const keepEdge = (bytes: Buffer) => {
    edgeBytes += bytes.length;
    if (edgeBytes > EDGE_LIMIT) throw new NotStreamable('too much around the list');
    edge.push(bytes);
  };
  const edgeText = () => Buffer.concat(edge).toString('utf8');

  for await (const raw of chunks) {
    let chunk = raw;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let i = 0;
    const n = chunk.length;
    if (phase === 'start') {
      while (i < n && isSpace(chunk[i]!)) if (chunk[i++] === NEWLINE) line++;
      if (i === n) continue;
      if (chunk[i] === OPEN_ARRAY) {
        phase = 'list';
        i++;
      } else if (chunk[i] === OPEN_OBJECT) {
        phase = 'head';
        prefix = ['subscribers'];
        rootLine = line;
      } else throw new NotStreamable('not a list');
    }
    if (phase === 'head') {
      // The head is small: read it byte by byte up to the '[' after the root's "subscribers" key.
      const start = i;
      // Offsets count from the head's first byte, across chunks.
      const offset = (at: number) => edgeBytes + at - start;
      for (; i < n; i++) {
        const byte = chunk[i]!;
        if (byte === NEWLINE) line++;
        if (inString) {
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) {
            inString = false;
            if (headDepth === 1) afterListKey = isListKey(edge, chunk.subarray(start, i), stringFrom, offset(i));
          }
        } else if (byte === QUOTE) {
          inString = true;
          stringFrom = offset(i + 1);
        } else if (byte === OPEN_ARRAY && headDepth === 1 && afterListKey) break;
        else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) headDepth++;
        else if ((byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) && --headDepth === 0)
          throw new NotStreamable('no subscribers list');
      }
      keepEdge(chunk.subarray(start, i));
      if (i === n) continue;
      head = edgeText();
      edge = [];
      edgeBytes = 0;
      phase = 'list';
      i++;
    }
    if (phase === 'list') {
      // The run of whole entries that start in this chunk: [runStart, runEnd).
      let runStart = -1;
      let runEnd = -1;
      let starts: number[] = [];
      let ends: number[] = [];
      let lines: number[] = [];
      let keyCounts: number[] = [];
      let entryStart = -1;
      const flushRun = () => {
        if (runStart < 0) return;
        // One decode and one JSON.parse for every entry of the run: far cheaper than one per entry.
        const text = chunk.toString('utf8', runStart, runEnd);
        let values: unknown[];
        try {
          values = JSON.parse(`[${text}]`) as unknown[];
        } catch {
          throw new NotStreamable('syntax');
        }
        if (values.length !== starts.length) throw new NotStreamable('syntax');
        const base = chunk;
        const entries: StreamedEntry[] = [];
        for (let k = 0; k < values.length; k++) {
          if (keyCountOf(values[k]) !== keyCounts[k]) throw new NotStreamable('a key written twice');
          const from = starts[k]!;
          const to = ends[k]!;
          entries.push({ value: values[k], line: lines[k]!, source: base, from, to });
        }
        // Handed on at once: entries checked while they are young never reach the old generation.
        onEntries(entries, prefix);
        runStart = -1;
        starts = [];
        ends = [];
        lines = [];
        keyCounts = [];
      };
      const endEntry = (end: number) => {
        if (!entryStarted) throw new NotStreamable('empty entry');
        if (entryStart < 0) {
          // Began in an earlier chunk: joined and parsed on its own.
          flushRun();
          carried.push(chunk.subarray(0, end));
          const bytes = Buffer.concat(carried);
          carried = [];
          let value: unknown;
          try {
            value = JSON.parse(bytes.toString('utf8'));
          } catch {
            throw new NotStreamable('syntax');
          }
          if (keyCountOf(value) !== entryKeys) throw new NotStreamable('a key written twice');
          onEntries([{ value, line: entryLine, source: bytes, from: 0, to: bytes.length }], prefix);
        } else {
          // Runs stay small, so their text is a young object that dies young rather than a large
          // object that waits for a full collection.
          if (runStart >= 0 && end - runStart > RUN_BYTES) flushRun();
          if (runStart < 0) runStart = entryStart;
          runEnd = end;
          starts.push(entryStart);
          ends.push(end);
          lines.push(entryLine);
          keyCounts.push(entryKeys);
        }
        entryStarted = false;
        entryStart = -1;
      };
      let closed = false;
      // A carried entry continues here; its start lies in an earlier chunk.
      for (; i < n; i++) {
        const byte = chunk[i]!;
        if (inString) {
          // Most of a list is string content: jump to its closing quote. A raw line break in a
          // string is invalid JSON, which the parse below refuses, so lines need not be counted here.
          if (escaped) {
            escaped = false;
            continue;
          }
          const close = closingQuote(chunk, i);
          if (close < 0) {
            escaped = trailingBackslashes(chunk, i) % 2 === 1;
            i = n;
            break;
          }
          inString = false;
          i = close;
          continue;
        }
        if (byte === NEWLINE) {
          line++;
          continue;
        }
        if (isSpace(byte)) continue;
        if (depth === 0 && (byte === COMMA || byte === CLOSE_ARRAY)) {
          if (byte === COMMA) {
            endEntry(i);
            commas++;
            continue;
          }
          if (entryStarted || commas > 0) endEntry(i);
          closed = true;
          i++;
          break;
        }
        if (!entryStarted) {
          entryStarted = true;
          entryStart = i;
          entryLine = line;
          entryKeys = 0;
        }
        if (byte === QUOTE) inString = true;
        else if (byte === COLON && depth === 1) entryKeys++;
        else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
          // The list itself is level 1 (2 inside a root object), as the whole-file check counts.
          if (++depth + prefix.length + 1 > LIMITS.depth) throw new NotStreamable('too deep');
        } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
          if (--depth < 0) throw new NotStreamable('syntax');
        }
      }
      flushRun();
      if (!closed && entryStarted) {
        // The entry goes on in the next chunk.
        carried.push(entryStart < 0 ? chunk : chunk.subarray(entryStart));
        entryStart = -1;
      }
      if (closed) {
        phase = 'tail';
        tailLine = line;
      } else continue;
    }
    if (phase === 'tail') keepEdge(chunk.subarray(i));
  }
  if (phase !== 'tail') throw new NotStreamable('unexpected end');
  if (!prefix.length) {
    if (!ARRAY_TAIL.test(edgeText())) throw new NotStreamable('content after the list');
    return { prefix };
  }
  return { prefix, root: readRoot(head, rootLine, edgeText(), tailLine) };
}

/** Whether the string at [from, to) of the head, kept in `edge` and then `piece`, is the list's key. */
function isListKey(edge: readonly Buffer[], piece: Buffer, from: number, to: number): boolean {
  if (to - from !== LIST_KEY.length) return false;
  const before = edge.reduce((bytes, kept) => bytes + kept.length, 0);
  // Nearly always within this chunk; a key cut by a chunk boundary is joined from the edge.
  const key =
    from >= before ? piece.subarray(from - before, to - before) : Buffer.concat([...edge, piece]).subarray(from, to);
  return key.equals(LIST_KEY);
}

/**
 * The root object around the list, read from the small texts before (`{ …, "subscribers":`) and
 * after (`, … }`) it with an empty list in its place. A key written twice, the list's own among
 * them, or anything but one object is left to the whole-file reader, which says where.
 */
function readRoot(head: string, headLine: number, tail: string, tailLine: number): JsonListStream['root'] {
  const before = parseEdge(`${head}[]}`);
  // The tail follows the list's ']' on its line, as it does after the '[]' written here.
  const after = parseEdge(`{"subscribers":[]${tail}`);
  const list = before.value.subscribers;
  if (!Array.isArray(list) || list.length > 0) throw new NotStreamable('not the list');
  for (const key of Object.keys(after.value))
    if (key !== 'subscribers' && Object.hasOwn(before.value, key)) throw new NotStreamable('a key written twice');
  return {
    value: { ...before.value, ...after.value },
    lineOf: (key) =>
      Object.hasOwn(before.value, key) ? before.lineOf([key]) + headLine - 1 : after.lineOf([key]) + tailLine - 1,
  };
}

function parseEdge(text: string): { value: Record<string, unknown>; lineOf(path: PropertyKey[]): number } {
  try {
    const { value, lineOf } = parseJsonWithLines(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new NotStreamable('not an object');
    return { value: value as Record<string, unknown>, lineOf };
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new NotStreamable('syntax');
    throw error;
  }
}

/** The keys of a parsed entry object (0 for anything else, whose level holds no colon). */
function keyCountOf(value: unknown): number {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 0;
  return Object.keys(value).length;
}

/** The first unescaped `"` at or after `from`, or -1. */
function closingQuote(chunk: Buffer, from: number): number {
  let at = chunk.indexOf(QUOTE, from);
  while (at >= 0) {
    let backslashes = 0;
    for (let k = at - 1; k >= from && chunk[k] === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = chunk.indexOf(QUOTE, at + 1);
  }
  return -1;
}

/** Backslashes that end the chunk (from `from` on): an odd count escapes the next chunk's first byte. */
function trailingBackslashes(chunk: Buffer, from: number): number {
  let count = 0;
  for (let k = chunk.length - 1; k >= from && chunk[k] === BACKSLASH; k--) count++;
  return count;
}
