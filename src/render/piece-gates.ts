import { isSignedValueShape } from '../analytics/token.js';
import type { Problem } from '../errors.js';
import { createCache } from './_cache.js';
import { escapeHtml, type FieldName, type FieldValues, joinParts, type Parts, VARIANT_FIELDS } from './_personal.js';
import { addSizeCounts, type SizeCounts, sizeCounts } from './encoded-size.js';
import { altProblems, linkProblems } from './link-gates.js';
import type { GateSegment } from './set-frames.js';
import { createTextFields, textValue } from './text-field-gates.js';

/**
 * The HTML gates of a variant assembled from pieces, from its pieces: sizes and counts add up, and
 * links and images lie within one piece (pieces are cut between elements), so each distinct piece
 * is checked once however many variants hold it. A piece holding a reader's field is checked as
 * filled for the variant's sample reader.
 */

export interface HtmlGates {
  /** UTF-8 bytes of the sample reader's HTML. */
  bytes: number;
  /**
   * How many times the HTML prints each reader's field (see `roomFieldUses`), counted from the
   * pieces' fields as they are looked up: a role set's pieces are not scanned again for them.
   */
  uses: Partial<Record<FieldName, number>>;
  counts: SizeCounts;
  links: Problem[];
  alt: Problem[];
}

interface PieceGates {
  bytes: number;
  counts: SizeCounts;
  links: Problem[];
  alt: Problem[];
}

const CACHE = 1000;

export function createPieceGates(
  split: (segment: string) => Parts,
  file: string,
  /** The field tokens `split` cuts at: with them, a field in a piece's text is checked as its token. */
  sentinel?: Readonly<Record<FieldName, string>>,
): (segments: readonly GateSegment[], values: FieldValues, variantId: string) => HtmlGates {
  // Parts: the piece holds a reader's field and is checked per variant, cut at its fields once.
  const cache = createCache<string, PieceGates | Parts>(CACHE);
  const textFields = sentinel && createTextFields(sentinel);
  const check = (html: string): PieceGates => {
    const where = { file, variantId: '' };
    return {
      bytes: Buffer.byteLength(html),
      counts: sizeCounts(html),
      links: linkProblems(html, where),
      alt: altProblems(html, where),
    };
  };
  // A piece holding fields, by the values of those fields: most (greeting, date line, links) read
  // the same for the sample reader of every variant; the "sent to" line names the variant's roles.
  const filled = createCache<string, Map<string, PieceGates>>(CACHE);
  const checkFilled = (segment: string, parts: Parts, values: FieldValues): PieceGates => {
    let key = '';
    // A role set's signed `?v=` value sits inside a tracked https link and holds only URL-safe
    // ASCII: it adds its length and nothing else, so the piece is checked without it, once for
    // every role set, and its length is added. A value in the piece's text (the "sent to" line
    // naming the role set's roles, see text-field-gates.ts) is checked as its token, and adds
    // its own size in place of the token's.
    let variantChars = 0;
    const inText = textFields?.(segment, parts);
    // Per field: the text it is checked with, or undefined for its value escaped.
    const checkedAs: (string | undefined)[] = [];
    const ownText: string[] = [];
    let tokenChars = 0;
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i] as keyof FieldValues;
      const escaped = escapeHtml(values[name]);
      if (VARIANT_FIELDS.has(name) && isSignedValueShape(values[name])) {
        variantChars += values[name].length;
        checkedAs.push('');
      } else if (sentinel && inText?.[(i - 1) / 2] && textValue(escaped)) {
        const token = sentinel[name];
        checkedAs.push(token);
        ownText.push(escaped);
        tokenChars += token.length;
        key += '\u0001';
      } else {
        checkedAs.push(undefined);
        key += `${values[name]}\u0000`;
      }
    }
    const byValues = filled.getOrSet(segment, () => new Map());
    let found = byValues.get(key);
    if (!found) {
      let html = parts[0]!;
      for (let i = 1; i < parts.length; i += 2) {
        html += (checkedAs[(i - 1) / 2] ?? escapeHtml(values[parts[i] as keyof FieldValues])) + parts[i + 1]!;
      }
      found = check(html);
      // Values that differ per variant would pile up: keep only the last few.
      if (byValues.size >= 8) byValues.clear();
      byValues.set(key, found);
    }
    if (!variantChars && !ownText.length) return found;
    const counts = { ...found.counts, length: found.counts.length + variantChars - tokenChars };
    let bytes = found.bytes + variantChars - tokenChars;
    for (const text of ownText) {
      bytes += Buffer.byteLength(text);
      addSizeCounts(counts, text);
    }
    return { ...found, bytes, counts };
  };
  /** A segment's own gates, or its parts when it holds a reader's field; each segment checked once. */
  const gatesOf = (segment: string): PieceGates | Parts => {
    return cache.getOrSet(segment, () => {
      const parts = split(segment);
      return parts.length === 1 ? check(segment) : parts;
    });
  };
  // A kept section's segments (or a class's own segments between its sections), added up once for
  // every role set that shows them (see `GateSegment`). A run whose only field is the role set's
  // signed value is one sum; any other is its field-free segments summed between its segments
  // with fields, which are checked per role set as they come.
  const runs = new WeakMap<readonly string[], RunGates>();
  const runGates = (run: readonly string[]): RunGates => {
    let found = runs.get(run);
    if (found === undefined) {
      const sum: PieceGates = { bytes: 0, counts: emptyCounts(), links: [], alt: [] };
      let variantFields = 0;
      let onlyVariant = true;
      const steps: (PieceGates | string)[] = [];
      let fixed: PieceGates | undefined;
      for (const segment of run) {
        const gates = gatesOf(segment);
        if ('bytes' in gates) {
          if (onlyVariant) addGates(sum, gates, '');
          if (!fixed) {
            fixed = { bytes: 0, counts: emptyCounts(), links: [], alt: [] };
            steps.push(fixed);
          }
          addGates(fixed, gates, '');
          continue;
        }
        fixed = undefined;
        steps.push(segment);
        if (!onlyVariant) continue;
        // Only the signed value: checked without it, as `checkFilled` does, its length added per role set.
        for (let i = 1; i < gates.length; i += 2) {
          if (VARIANT_FIELDS.has(gates[i]!)) variantFields++;
          else onlyVariant = false;
        }
        if (onlyVariant) addGates(sum, check(joinParts(gates, NO_VARIANT_VALUES, escapeHtml)), '');
      }
      found = { gates: onlyVariant ? sum : undefined, variantFields, steps };
      runs.set(run, found);
    }
    return found;
  };
  const addSegment = (out: HtmlGates, segment: string, values: FieldValues, field: string) => {
    const gates = gatesOf(segment);
    if ('bytes' in gates) addGates(out, gates, field);
    else {
      addGates(out, checkFilled(segment, gates, values), field);
      countFields(out.uses, gates);
    }
  };
  return (segments, values, variantId) => {
    const out: HtmlGates = { bytes: 0, uses: {}, counts: emptyCounts(), links: [], alt: [] };
    const field = `variant ${variantId}`;
    for (const each of segments) {
      if (typeof each === 'string') {
        addSegment(out, each, values, field);
        continue;
      }
      if (isRun(each)) {
        const run = runGates(each);
        const value = values.clickVariant;
        if (run.gates && (run.variantFields === 0 || isSignedValueShape(value))) {
          addGates(out, run.gates, field);
          if (run.variantFields) out.uses.clickVariant = (out.uses.clickVariant ?? 0) + run.variantFields;
          out.bytes += run.variantFields * value.length;
          out.counts.length += run.variantFields * value.length;
        } else
          for (const step of run.steps)
            if (typeof step === 'string') addSegment(out, step, values, field);
            else addGates(out, step, field);
        continue;
      }
      addSegment(out, each.template, values, field);
      // A class segment's lines: their own size in place of their tokens'.
      out.bytes -= each.tokenChars;
      out.counts.length -= each.tokenChars;
      for (const line of each.lines) {
        out.bytes += Buffer.byteLength(line);
        addSizeCounts(out.counts, line);
        countFields(out.uses, split(line));
      }
    }
    return out;
  };
}

interface RunGates {
  /** The run's gates with every signed value left empty; undefined when it holds another field. */
  gates: PieceGates | undefined;
  /** How many signed values the run holds: each adds its length. */
  variantFields: number;
  /** The run in order: each stretch of segments without fields summed, each segment with fields as it is. */
  steps: readonly (PieceGates | string)[];
}

/** Values for a run's segments whose only field is the signed value, left empty (see `runGates`). */
const NO_VARIANT_VALUES = { clickVariant: '' } as FieldValues;

function isRun(each: GateSegment): each is readonly string[] {
  return Array.isArray(each);
}

/** Adds each field `parts` holds (odd indexes) to `uses`. */
function countFields(uses: Partial<Record<FieldName, number>>, parts: Parts): void {
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i] as FieldName;
    uses[name] = (uses[name] ?? 0) + 1;
  }
}

function emptyCounts(): SizeCounts {
  return { length: 0, escaped: 0, wide: 0, breaks: 0 };
}

/** `gates` added to `out`, its problems named for the variant. */
function addGates(out: PieceGates, gates: PieceGates, field: string): void {
  out.bytes += gates.bytes;
  out.counts.length += gates.counts.length;
  out.counts.escaped += gates.counts.escaped;
  out.counts.wide += gates.counts.wide;
  out.counts.breaks += gates.counts.breaks;
  for (const p of gates.links) out.links.push({ ...p, field });
  for (const p of gates.alt) out.alt.push({ ...p, field });
}
