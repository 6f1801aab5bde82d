import { isSignedValueShape } from '../analytics/token.js';
import type { Problem } from '../errors.js';
import { createCache } from './_cache.js';
import { escapeHtml, type FieldValues, joinParts, type Parts, VARIANT_FIELDS } from './_personal.js';
import { addSizeCounts, altProblems, linkProblems, type SizeCounts, sizeCounts } from './gates.js';
import type { GateSegment } from './set-frames.js';

/**
 * The HTML gates of a variant assembled from pieces, from its pieces: sizes and counts add up, and
 * links and images lie within one piece (pieces are cut between elements), so each distinct piece
 * is checked once however many variants hold it. A piece holding a reader's field is checked as
 * filled for the variant's sample reader.
 */

export interface HtmlGates {
  /** UTF-8 bytes of the sample reader's HTML. */
  bytes: number;
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
): (segments: readonly GateSegment[], values: FieldValues, variantId: string) => HtmlGates {
  // Parts: the piece holds a reader's field and is checked per variant, cut at its fields once.
  const cache = createCache<string, PieceGates | Parts>(CACHE);
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
    // every role set, and its length is added.
    let variantChars = 0;
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i] as keyof FieldValues;
      if (VARIANT_FIELDS.has(name) && isSignedValueShape(values[name])) variantChars += values[name].length;
      else key += `${values[name]}\u0000`;
    }
    let byValues = filled.get(segment);
    if (!byValues) {
      byValues = new Map();
      filled.set(segment, byValues);
    }
    let found = byValues.get(key);
    if (!found) {
      found = check(joinParts(parts, variantChars ? { ...values, clickVariant: '' } : values, escapeHtml));
      // Values that differ per variant would pile up: keep only the last few.
      if (byValues.size >= 8) byValues.clear();
      byValues.set(key, found);
    }
    if (!variantChars) return found;
    return {
      ...found,
      bytes: found.bytes + variantChars,
      counts: { ...found.counts, length: found.counts.length + variantChars },
    };
  };
  return (segments, values, variantId) => {
    const out: HtmlGates = { bytes: 0, counts: { length: 0, escaped: 0, wide: 0, breaks: 0 }, links: [], alt: [] };
    const field = `variant ${variantId}`;
    for (const each of segments) {
      const segment = typeof each === 'string' ? each : each.template;
      let gates = cache.get(segment);
      if (gates === undefined) {
        const parts = split(segment);
        gates = parts.length === 1 ? check(segment) : parts;
        cache.set(segment, gates);
      }
      const found = 'bytes' in gates ? gates : checkFilled(segment, gates, values);
      out.bytes += found.bytes;
      out.counts.length += found.counts.length;
      out.counts.escaped += found.counts.escaped;
      out.counts.wide += found.counts.wide;
      out.counts.breaks += found.counts.breaks;
      // A class segment's lines: their own size in place of their tokens'.
      if (typeof each !== 'string') {
        out.bytes -= each.tokenChars;
        out.counts.length -= each.tokenChars;
        for (const line of each.lines) {
          out.bytes += Buffer.byteLength(line);
          addSizeCounts(out.counts, line);
        }
      }
      for (const p of found.links) out.links.push({ ...p, field });
      for (const p of found.alt) out.alt.push({ ...p, field });
    }
    return out;
  };
}
