import { IMAGE_TAG, LINK_ATTRIBUTE } from './link-gates.js';
import { blockEdge, trimSpace } from './minify.js';

/** How a role set's filled segments join into minified HTML and into the pieces of its message. */

export interface Piece {
  /** Minified, so without white space at either end. */
  html: string;
  /** The raw output started or ended with white space. */
  spaceBefore: boolean;
  spaceAfter: boolean;
}

/**
 * A segment holding only lines, as pieces: its text around the lines (the class's own strings,
 * shared by every variant of it) and the line values apart. A line in a long segment (the
 * preheader and the padding after it, the header) then costs a role set its own few bytes, not a
 * copy of the segment, in memory and in the encoded pieces of its message.
 */
export function pushCut(pieces: string[], parts: readonly (string | undefined)[], values: readonly string[]): void {
  if (parts[0]) pieces.push(parts[0]);
  for (let i = 1; i < parts.length; i += 3) {
    const value = values[Number(parts[i])]!;
    if (value) pieces.push(value);
    if (parts[i + 2]) pieces.push(parts[i + 2]!);
  }
}

/** A run of a minified segment between list blocks: at most one space at either end. */
export function literalPiece(text: string): Piece {
  return { html: trimSpace(text), spaceBefore: text.startsWith(' '), spaceAfter: text.endsWith(' ') };
}

/**
 * Minified pieces joined as minifying their raw join would: white space between two pieces goes
 * when a block-level tag is next to it; undefined when it would stay (one space).
 */
export function joinMinified(pieces: readonly Piece[]): string[] | undefined {
  const out: string[] = [];
  let previous: string | undefined;
  let space = false;
  for (const piece of pieces) {
    space ||= piece.spaceBefore;
    if (piece.html === '') {
      space ||= piece.spaceAfter;
      continue;
    }
    if (previous !== undefined && space && !(blockEdge(previous, 'end') || blockEdge(piece.html, 'start'))) {
      return undefined;
    }
    out.push(piece.html);
    previous = piece.html;
    space = piece.spaceAfter;
  }
  return out;
}

/** What the link and image gates read (see link-gates.ts): a line must stay clear of both. */
const LINK_OR_IMAGE = new RegExp(`${LINK_ATTRIBUTE.source}|${IMAGE_TAG.source}`, 'gi');

/**
 * Whether a class segment's lines (escaped text: no `<`, `>`, `=` or quotes) can change none of
 * its link or image gates: no link or image tag of the segment as tokens reaches a token, and no
 * `=` follows a token with only letters between, where a line could end in an attribute's name.
 * The segment's link and image gates are then the same for every variant of the class.
 */
export function linesInText(
  segment: string,
  parts: readonly (string | undefined)[],
  tokenLength: (line: number) => number,
): boolean {
  const spans: [number, number][] = [];
  let at = parts[0]!.length;
  for (let i = 1; i < parts.length; i += 3) {
    if (parts[i] === undefined) return false;
    const end = at + tokenLength(Number(parts[i]));
    spans.push([at, end]);
    const after = parts[i + 2]!;
    if (/^[A-Za-z]*\s*=/.test(after)) return false;
    at = end + after.length;
  }
  for (const match of segment.matchAll(LINK_OR_IMAGE)) {
    const from = match.index;
    const to = from + match[0].length;
    // Touching counts: a line right after an unquoted value would be read as part of it.
    if (spans.some(([start, end]) => from <= end && to >= start)) return false;
  }
  return true;
}
