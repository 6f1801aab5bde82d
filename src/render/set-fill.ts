import { detach } from '../detach.js';
import { createCache } from './_cache.js';
import { minifyHtml, minifyPiece } from './minify.js';
import type { GateSegment, LinedSegment, SetClass } from './set-frame-types.js';
import { joinMinified, linesInText, literalPiece, type Piece, pushCut } from './set-join.js';
import { lineValues } from './set-lines.js';
import type { DigestView } from './view.js';

/** A variant's segments filled from its class's: its lines written in, its list blocks put in place. */
export interface SegmentFiller {
  /** A segment cut at its line and list tokens, or null when it holds none. */
  cut(segment: string): readonly string[] | null;
  fillSegments(
    segments: readonly string[],
    view: DigestView,
    set: SetClass,
    values?: readonly string[],
    pieces?: string[],
    gates?: GateSegment[],
  ): string[] | undefined;
}

export function createSegmentFiller(tokens: RegExp, lineToken: (line: number) => string): SegmentFiller {
  // Segments of a class recur in every variant of it: each is cut at its tokens once.
  const cuts = createCache<string, readonly string[] | null>(2000);
  const cut = (segment: string): readonly string[] | null => {
    return cuts.getOrSet(segment, () => {
      const parts = segment.split(tokens);
      return parts.length === 1 ? null : parts;
    });
  };

  // A list block's element output, minified once however many variants hold it.
  const minifiedPieces = createCache<string, Piece>(2000);
  const pieceOf = (raw: string): Piece => {
    return minifiedPieces.getOrSet(raw, () => {
      const piece = minifyPiece(raw);
      return { ...piece, html: detach(piece.html) };
    });
  };

  /**
   * The variant's segments: its lines written in, and each list block's element outputs as
   * segments of their own where they join as the minified whole would: minifying keeps white
   * space between two pieces as one space unless a block-level tag is next to it. Where it would
   * keep one, the segment is minified again with the outputs in place.
   */
  const fillSegments = (
    segments: readonly string[],
    view: DigestView,
    set: SetClass,
    values: readonly string[] = lineValues(view),
    pieces?: string[],
    gates?: GateSegment[],
  ): string[] | undefined => {
    const slots = set.source!.slots;
    const fillLines = (text: string): string | undefined => {
      const parts = cut(text);
      if (!parts) return text;
      let filled = parts[0]!;
      for (let i = 1; i < parts.length; i += 3) {
        // A list block's output holds lines, never another list block.
        if (parts[i] === undefined) return undefined;
        filled += values[Number(parts[i])]! + parts[i + 2]!;
      }
      return filled;
    };
    const out: string[] = [];
    for (const segment of segments) {
      const parts = cut(segment);
      if (!parts) {
        out.push(segment);
        pieces?.push(segment);
        gates?.push(segment);
        continue;
      }
      const sequence: Piece[] = [];
      let literal = parts[0]!;
      let whole = literal;
      for (let i = 1; i < parts.length; i += 3) {
        const after = parts[i + 2]!;
        if (parts[i] !== undefined) {
          const value = values[Number(parts[i])]!;
          literal += value + after;
          whole += value + after;
          continue;
        }
        const k = Number(parts[i + 1]);
        const outputs = slots[k]!.fill(set.slotLists[k]!(view));
        if (outputs === undefined) return undefined;
        sequence.push(literalPiece(literal));
        for (const raw of outputs) {
          const piece = pieceOf(raw);
          const html = fillLines(piece.html);
          if (html === undefined) return undefined;
          sequence.push(html === piece.html ? piece : { ...piece, html });
          whole += raw;
        }
        literal = after;
        whole += after;
      }
      if (sequence.length === 0) {
        out.push(literal);
        if (pieces) pushCut(pieces, parts, values);
        gates?.push(linedSegment(segment, parts, values) ?? literal);
        continue;
      }
      sequence.push(literalPiece(literal));
      const joined = joinMinified(sequence);
      const from = out.length;
      if (joined) for (const piece of joined) out.push(piece);
      // A list block's output was never minified: the segment is, again, with it in place.
      else out.push(minifyHtml(whole));
      for (let i = from; i < out.length; i++) {
        pieces?.push(out[i]!);
        gates?.push(out[i]!);
      }
    }
    return out;
  };

  // Whether each class segment holding lines keeps them clear of links and images, once per segment.
  const textLines = createCache<string, number | null>(2000);
  /** The segment as a `LinedSegment`, or undefined when its lines could touch a link or an image. */
  const linedSegment = (
    segment: string,
    parts: readonly (string | undefined)[],
    values: readonly string[],
  ): LinedSegment | undefined => {
    const tokenChars = textLines.getOrSet(segment, () =>
      linesInText(segment, parts, (line) => lineToken(line).length) ? tokenLengths(parts) : null,
    );
    if (tokenChars === null) return undefined;
    const lines: string[] = [];
    for (let i = 1; i < parts.length; i += 3) lines.push(values[Number(parts[i])]!);
    return { template: segment, lines, tokenChars };
  };
  const tokenLengths = (parts: readonly (string | undefined)[]): number => {
    let chars = 0;
    for (let i = 1; i < parts.length; i += 3) chars += lineToken(Number(parts[i])).length;
    return chars;
  };

  return { cut, fillSegments };
}
