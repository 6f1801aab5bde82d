import { isSignedValueShape } from '../analytics/token.js';
import { detach } from '../detach.js';
import { createCache } from './_cache.js';
import { asIs, type FieldValues, joinParts, type Parts, VARIANT_FIELDS } from './_personal.js';
import { wrapKeepsSize, wrapLine } from './wrap.js';

/**
 * The plain-text alternative as a template split at the reader fields: made once per variant
 * (see plain-text.ts), filled and measured per reader here.
 */

/** Runs of lines without reader fields stay as one wrapped string; lines with fields keep their parts. */
export type TextTemplate = (string | Parts)[];

/** Text templates are written for readability; trim trailing spaces and runs of blank lines. */
export function normaliseText(text: string): string {
  return `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{4,}/g, '\n\n\n')
    .trim()}\n`;
}

/**
 * Wraps each line and splits it at the reader fields. The text is taken in paragraphs (cut at
 * empty lines), which recur across variants (every card's text): each distinct paragraph is
 * worked out once, its fixed lines joined into one run that every variant holding it shares.
 */
export function textSplitter(splitParts: (line: string) => Parts): (text: string) => TextTemplate {
  const lines = createCache<string, string | Parts>(2000);
  const blocks = createCache<string, TextTemplate>(2000);
  const lastBlocks = createCache<string, TextTemplate>(100);
  const line = (text: string): string | Parts => {
    let piece = lines.get(text);
    if (piece === undefined) {
      const own = detach(text);
      const parts = splitParts(own);
      piece = parts.length === 1 ? wrapLine(own) : parts;
      lines.set(own, piece);
    }
    return piece;
  };
  // A block followed by another ends with the empty line between them: pieces join with line breaks.
  const block = (text: string, last: boolean): TextTemplate => {
    const cache = last ? lastBlocks : blocks;
    let found = cache.get(text);
    if (found === undefined) {
      found = [];
      let fixed: string[] = [];
      for (const each of text.split('\n')) {
        const piece = line(each);
        if (typeof piece === 'string') {
          fixed.push(piece);
          continue;
        }
        if (fixed.length) found.push(fixed.join('\n'));
        fixed = [];
        found.push(piece);
      }
      if (!last) fixed.push('');
      if (fixed.length) found.push(fixed.join('\n'));
      cache.set(detach(text), found);
    }
    return found;
  };
  return (text) => {
    const template: TextTemplate = [];
    const paragraphs = text.split('\n\n');
    for (let i = 0; i < paragraphs.length; i++) {
      for (const piece of block(paragraphs[i]!, i === paragraphs.length - 1)) template.push(piece);
    }
    return template;
  };
}

/** UTF-8 size of a template's fixed runs, when it was assembled from pieces that knew theirs. */
const fixedSizes = new WeakMap<TextTemplate, number>();

/** Records the UTF-8 size of an assembled template's fixed runs, so `textSizer` need not measure them. */
export function knowFixedBytes(template: TextTemplate, bytes: number): void {
  fixedSizes.set(template, bytes);
}

/**
 * The UTF-8 size of `fillText(template, values)` without writing it out. The fixed runs are the
 * text splitter's own strings, shared by every variant that holds them: each is measured once.
 */
export function textSizer(): (template: TextTemplate, values: FieldValues) => number {
  const sizes = createCache<string, number>(2000);
  const fixed = (piece: string) => {
    return sizes.getOrSet(piece, () => Buffer.byteLength(piece));
  };
  // Every variant is measured with the same sample reader: its filled lines recur.
  const lines = createCache<string, number>(2000);
  const filled = (parts: Parts, values: FieldValues) => {
    const line = joinParts(parts, sizingValues(values), asIs);
    if (wrapKeepsSize(line)) return Buffer.byteLength(line);
    let bytes = lines.get(line);
    if (bytes === undefined) {
      bytes = Buffer.byteLength(wrapLine(line));
      lines.set(detach(line), bytes);
    }
    return bytes;
  };
  return (template, values) => {
    let bytes = template.length > 0 ? template.length - 1 : 0;
    const known = fixedSizes.get(template);
    if (known !== undefined) {
      bytes += known;
      for (const piece of template) if (typeof piece !== 'string') bytes += filled(piece, values);
      return bytes;
    }
    for (const piece of template) bytes += typeof piece === 'string' ? fixed(piece) : filled(piece, values);
    return bytes;
  };
}

/**
 * The values a line is measured with: a role set's signed value (VARIANT_FIELDS, the `?v=` of
 * tracked links) is one unbreakable run of URL-safe ASCII, so a run of as many `x` wraps and weighs
 * the same, and lines of role sets whose values are as long are measured once.
 */
const sizing = new WeakMap<FieldValues, FieldValues>();
function sizingValues(values: FieldValues): FieldValues {
  const found = sizing.get(values);
  if (found) return found;
  let measured = values;
  for (const name of VARIANT_FIELDS as ReadonlySet<keyof FieldValues>)
    if (isSignedValueShape(values[name])) measured = { ...measured, [name]: 'x'.repeat(values[name].length) };
  if (measured !== values) sizing.set(values, measured);
  return measured;
}

/**
 * Only once filled is the length of a line holding a reader's link known, so only those lines are
 * wrapped per reader; everything else was wrapped once per variant. `fillLine` may wrap a line
 * more cheaply (see createTextLineFiller), with the same result.
 */
export function fillText(
  template: TextTemplate,
  values: FieldValues,
  fillLine: (parts: Parts, values: FieldValues) => string = (parts, filled) => wrapLine(joinParts(parts, filled, asIs)),
): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const piece = template[i]!;
    if (i > 0) out += '\n';
    out += typeof piece === 'string' ? piece : fillLine(piece, values);
  }
  return out;
}

/** One template, its lines and fields as `fillText` joins them, to compare two templates by. */
export function textShape(template: TextTemplate): string {
  return template
    .map((piece) => (typeof piece === 'string' ? piece : `\u0001${piece.join('\u0002')}\u0001`))
    .join('\n');
}
