import { createCache } from './_cache.js';
import type { FieldName, Parts } from './_personal.js';
import { linesInText } from './set-join.js';

/**
 * Which fields of a piece sit in its text, clear of every link and image (as a role set's lines
 * must, see `linesInText`): the "sent to" line names the role set's roles, so a footer piece
 * checked with the value in place would be checked again for every role set. Such a field is
 * checked as its token instead, and its value adds its own size: the piece is checked once for
 * every value such a field takes.
 */

/** For each field of a piece's parts (odd indexes), whether it sits in text. */
export type TextFields = readonly boolean[];

const CACHE = 1000;

export function createTextFields(
  sentinel: Readonly<Record<FieldName, string>>,
): (segment: string, parts: Parts) => TextFields {
  const found = createCache<string, TextFields>(CACHE);
  return (segment, parts) => {
    return found.getOrSet(segment, () => {
      const each: boolean[] = [];
      for (let i = 1; i < parts.length; i += 2) each.push(inText(parts, i, sentinel));
      return each;
    });
  };
}

/** Whether the field at `at` in `parts` sits in text, the other fields left as their tokens. */
function inText(parts: Parts, at: number, sentinel: Readonly<Record<FieldName, string>>): boolean {
  const token = (i: number) => sentinel[parts[i] as FieldName];
  let before = '';
  for (let i = 0; i < at; i++) before += i % 2 ? token(i) : parts[i]!;
  let after = '';
  for (let i = at + 1; i < parts.length; i++) after += i % 2 ? token(i) : parts[i]!;
  const own = token(at);
  return linesInText(before + own + after, [before, '0', undefined, after], () => own.length);
}

/**
 * Whether an escaped value may stand in text for the token it replaces: without `=` it cannot
 * start or end a link attribute, and escaped it holds no tag.
 */
export function textValue(escaped: string): boolean {
  return !escaped.includes('=');
}
