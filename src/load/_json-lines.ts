import { jsonTooDeepAt, LIMITS } from './limits.js';

/**
 * A small JSON reader that remembers the line each value starts on, so validation errors can say
 * `subscribers.json:14: [3].email: …` instead of only a path. JSON.parse gives no positions.
 */

export type JsonPath = readonly PropertyKey[];

export interface JsonWithLines {
  value: unknown;
  /** The line (1-based) of the value at `path`, or of its nearest ancestor that exists. */
  lineOf(path: JsonPath): number;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** Sticky, so it matches at the reader's position without copying the rest of the text. */
const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

export function parseJsonWithLines(text: string): JsonWithLines {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // The reader below recurses once per level: refuse deep nesting before it can overflow the stack.
  const deepAt = jsonTooDeepAt(source);
  if (deepAt !== undefined) throw new JsonSyntaxError(`nested more than ${LIMITS.depth} levels deep`, deepAt, 1);
  const lines = new Map<string, number>();
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, line, pos - lineStart + 1);
  };
  const skipSpace = () => {
    while (pos < source.length) {
      const ch = source[pos];
      if (ch === '\n') {
        line++;
        pos++;
        lineStart = pos;
      } else if (ch === ' ' || ch === '\t' || ch === '\r') pos++;
      else break;
    }
  };
  const key = (path: JsonPath) => JSON.stringify(path.map((part) => (typeof part === 'symbol' ? String(part) : part)));

  const readString = (): string => {
    const start = pos;
    pos++; // opening quote
    while (pos < source.length) {
      const ch = source[pos];
      if (ch === '\\') pos += 2;
      else if (ch === '"') break;
      else if (ch === '\n') fail('unterminated string');
      else pos++;
    }
    if (pos >= source.length) fail('unterminated string');
    pos++;
    try {
      return JSON.parse(source.slice(start, pos)) as string;
    } catch {
      return fail('invalid escape in string');
    }
  };

  const readValue = (path: (string | number)[]): unknown => {
    skipSpace();
    lines.set(key(path), line);
    const ch = source[pos];
    if (ch === '{') {
      pos++;
      const obj: Record<string, unknown> = {};
      skipSpace();
      if (source[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        skipSpace();
        if (source[pos] !== '"') fail('expected a property name in double quotes');
        const keyLine = line;
        const name = readString();
        // JSON.parse keeps the last of two equal keys without a word: the first value would vanish.
        if (Object.hasOwn(obj, name)) fail(`"${name}" is written twice in the same object; keep one`);
        skipSpace();
        if (source[pos] !== ':') fail(`expected ':' after "${name}"`);
        pos++;
        lines.set(key([...path, name]), keyLine);
        const value = readValue([...path, name]);
        lines.set(key([...path, name]), keyLine);
        // As JSON.parse does: "__proto__" is an ordinary key, never the object's prototype.
        Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
        skipSpace();
        if (source[pos] === ',') {
          pos++;
          continue;
        }
        if (source[pos] === '}') {
          pos++;
          return obj;
        }
        fail("expected ',' or '}' (is a comma missing, or is there a trailing comma?)");
      }
    }
    if (ch === '[') {
      pos++;
      const arr: unknown[] = [];
      skipSpace();
      if (source[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(readValue([...path, arr.length]));
        skipSpace();
        if (source[pos] === ',') {
          pos++;
          continue;
        }
        if (source[pos] === ']') {
          pos++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (ch === '"') return readString();
    LITERAL.lastIndex = pos;
    const literal = LITERAL.exec(source);
    if (!literal) return fail(ch === undefined ? 'unexpected end of file' : `unexpected character '${ch}'`);
    pos += literal[0].length;
    return JSON.parse(literal[0]);
  };

  const value = readValue([]);
  skipSpace();
  if (pos < source.length) fail('unexpected content after the end of the JSON value');

  return {
    value,
    lineOf(path) {
      for (let n = path.length; n >= 0; n--) {
        const found = lines.get(key(path.slice(0, n)));
        if (found !== undefined) return found;
      }
      return 1;
    },
  };
}

/**
 * Whether JSON text that JSON.parse read into `value` wrote some key twice in one object (which
 * JSON.parse resolves silently: the last wins). Its colons outside strings are its keys; the
 * parsed value holds fewer when one was written twice. parseJsonWithLines then says where.
 */
export function hasDuplicateKeys(source: string, value: unknown): boolean {
  let colons = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source.charCodeAt(i);
    if (ch === 0x22) {
      // Skip the string: to its closing quote, past escapes.
      for (i++; i < source.length; i++) {
        const c = source.charCodeAt(i);
        if (c === 0x5c) i++;
        else if (c === 0x22) break;
      }
    } else if (ch === 0x3a) colons++;
  }
  return colons !== keysIn(value);
}

function keysIn(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) for (const item of value) count += keysIn(item);
  else
    for (const key in value) {
      count++;
      count += keysIn((value as Record<string, unknown>)[key]);
    }
  return count;
}
