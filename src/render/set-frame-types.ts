import type { SplicedTemplates } from './splice.js';
import type { DigestView } from './view.js';

/** What the role-set classes (set-frames.ts) give a variant, and what a class keeps. */

export interface SetFrames {
  /** The variant's minified HTML segments, or undefined to compile it the ordinary way. */
  compile(view: DigestView): Promise<FilledVariant | undefined>;
  readonly stats: SetFrameStats;
}

/** A variant filled from its class. */
export interface FilledVariant {
  /** Its minified HTML segments, each whole: what the gates check, piece by piece. */
  segments: readonly string[];
  /**
   * The same HTML in pieces for its message: a segment that holds only lines is cut at them, so the
   * text around them stays the class's own shared strings (see `pushCut`).
   */
  pieces: readonly string[];
  /**
   * What the gates read, segment by segment: a segment as it is, or a segment of the class that
   * holds only lines, with its lines apart (see `LinedSegment`), so a role set's gates never scan
   * its own copy of a long segment; or a kept section's segments as one entry.
   */
  gates: readonly GateSegment[];
}

/**
 * A class's segment, its lines as tokens, and the variant's lines in the order they appear. Only
 * for segments whose lines sit where they can change no link and no image (see `linesInText`): its
 * link and image gates are the class segment's, its size the class segment's with the lines' own.
 */
export interface LinedSegment {
  template: string;
  lines: readonly string[];
  /** Characters the line tokens take in `template`. */
  tokenChars: number;
}

/**
 * A segment as it is, a class segment with its lines apart, or a section's kept segments (see
 * `runOf`): the same array for every role set that shows the section in that place, so the gates
 * add up its segments once, not once per role set.
 */
export type GateSegment = string | LinedSegment | readonly string[];

export interface SetFrameStats {
  /** Classes met: each rendered once from its stand-in view. */
  classes: number;
  /** Variants filled from their class. */
  filled: number;
  /** Variants compiled the ordinary way because their class could not be used. */
  ordinary: number;
  /** Of the filled variants, those put together from their class's gaps and kept sections alone. */
  composed: number;
  /**
   * Section sources the section partial wrote: once per section view and each place or class where
   * the partial reads another frame value or `@root` value (see section-keep.ts).
   */
  sectionsWritten: number;
}

export interface SetClass {
  /** The view the class was made from: the language's fields are compared with it. */
  reference: DigestView;
  source: ReturnType<SplicedTemplates['standIn']>;
  /** Undefined until the first variant was compared with the ordinary compile. */
  verified: boolean | undefined;
  /** The list a slot iterates, read from the variant. */
  slotLists: ((view: DigestView) => readonly unknown[])[];
  /**
   * The class's own segments before, between and after its sections, learnt from its variants
   * assembled from pieces; null when they differ between variants or the sections cannot be told
   * apart (see `learn`).
   */
  gaps: readonly (readonly string[])[] | null | undefined;
  /** The frame its variants are assembled in, and the column each of its sections goes in. */
  frame: object | undefined;
  columns: readonly number[];
  /** Undefined until the first variant put together from runs was compared with its assembly. */
  composedChecked: boolean | undefined;
}
