import { append } from '../append.js';
import { detach } from '../detach.js';
import { createCache } from './_cache.js';
import type { Parts } from './_personal.js';
import {
  assemble,
  BLANK,
  type Chunk,
  compose,
  type Line,
  type Lines,
  type RawLine,
  runLines,
  TRAILING,
} from './text-assembly.js';
import type { TextTemplate } from './text-template.js';
import { wrapLine } from './wrap.js';

/**
 * Joins chunks into a template, as `textSplitter(normaliseText(…))` splits their concatenation,
 * or into the lines of a larger chunk. Lines are looked up in caches kept across variants.
 */
export function createJoiner(splitParts: (line: string) => Parts) {
  const lineCache = createCache<string, Line>(2000);
  const line = (text: string): Line => {
    let found = lineCache.get(text);
    if (found === undefined) {
      const own = detach(text);
      const parts = splitParts(own);
      const item = parts.length === 1 ? wrapLine(own) : parts;
      found = { item, bytes: typeof item === 'string' ? Buffer.byteLength(item) : 0 };
      lineCache.set(own, found);
    }
    return found;
  };
  const rawCache = createCache<string, RawLine>(2000);
  const raw = (text: string): RawLine => {
    let found = rawCache.get(text);
    if (found === undefined) {
      const clean = detach(text.replace(TRAILING, ''));
      found = { clean, blank: BLANK.test(clean) };
      rawCache.set(detach(text), found);
    }
    return found;
  };
  const chunks = createCache<string, Lines>(500);
  return {
    /** Text as a chunk: itself without line breaks, else its lines (kept by text). */
    chunk(text: string): Chunk {
      if (text.indexOf('\n') < 0) return text;
      let found = chunks.get(text);
      if (!found) {
        const own = detach(text);
        found = runLines(own, line);
        chunks.set(own, found);
      }
      return found;
    },
    compose: (list: readonly Chunk[]) => compose(list, line, raw),
    assemble: (list: readonly Chunk[]) => assemble(list, line, raw),
  };
}

/**
 * The template joined from `texts`, each worked out on its own as a kept piece is, and `groups`
 * of neighbouring texts joined first as a kept block's output is (for tests of the joins):
 * undefined where the whole text must be cleaned instead.
 */
export function joinTexts(
  texts: readonly string[],
  splitParts: (line: string) => Parts,
  groups: readonly number[] = [],
): TextTemplate | undefined {
  const joiner = createJoiner(splitParts);
  const chunks = texts.map(joiner.chunk);
  const grouped: Chunk[] = [];
  let at = 0;
  for (const size of groups) {
    grouped.push(joiner.compose(chunks.slice(at, at + size)));
    at += size;
  }
  append(grouped, chunks.slice(at));
  return joiner.assemble(grouped);
}
