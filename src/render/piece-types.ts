import type { MjmlResult } from './mjml.js';

/** The shapes the pieces compiler (pieces.ts) takes a variant's source apart into, and what it gives back. */

export type CompileSource = (source: string) => Promise<MjmlResult>;

/**
 * A compiled variant: whole HTML (`html`), or, when assembled from pieces, its segments in order,
 * each already minified, whose join is the minified HTML (`html` is then empty).
 */
export interface PieceResult extends MjmlResult {
  segments?: readonly string[];
  /**
   * For a split source assembled from its skeleton: where each section's segments lie, in section
   * order (`start` to `end` of `segments`, in split column `column`). Undefined when a section's
   * children are not one run.
   */
  runs?: readonly SectionRun[];
  /**
   * The frame the variant was assembled in: a section's segments are the same in every variant of
   * one frame that places it in the same column.
   */
  frame?: object;
}

export interface SectionRun {
  start: number;
  end: number;
  column: number;
}

export interface PieceStats {
  /** MJML runs so far: frames with their new children, and whole compiles (checks, fallbacks). */
  compiles: number;
  /** Variants assembled from pieces. */
  assembled: number;
  /** Variants compiled whole because their frame's pieces did not reproduce it. */
  whole: number;
}

export interface PieceCompiler {
  compile(source: string): Promise<PieceResult>;
  /**
   * Compiles a source given as a skeleton whose `<mj-raw>` markers stand for sections, so the
   * variant's whole source is written out only when it must be compiled whole.
   */
  compileSplit(split: SplitSource): Promise<PieceResult>;
  /**
   * A section's segments as a variant assembled in `frame` would hold them in split column
   * `column` (see `SectionRun`), from pieces already compiled; undefined when the frame has not
   * compiled one of its children, or the section is not a run of text children.
   */
  sectionRun(frame: object, column: number, section: string): string[] | undefined;
  readonly stats: PieceStats;
}

/** A variant's MJML source with its sections apart (see splice.ts). */
export interface SplitSource {
  /** The source with `<mj-raw>{marker}</mj-raw>` where section `k` goes. */
  skeleton: string;
  /** The marker of section `k`: letters and digits only. */
  marker(k: number): string;
  /** Each section's source as it stands in the whole source. */
  sections: readonly string[];
  /** The whole source. */
  whole(): string;
}

/** A section's children: their shapes (content lifted out) and their contents, trimmed. */
export interface SectionChildren {
  shapes: string;
  /** The same shapes, one per child. */
  list: string[];
  contents: string[];
}

/**
 * A skeleton taken apart once, for the many variants that share it: child shapes and contents,
 * with a section's index where its children go.
 */
export interface SkeletonTaken {
  frameKey: string;
  columns: (string | number)[][];
  contents: (string | number)[];
}

export interface Frame {
  /** The frame's source with `\u0000` where each split column's children go. */
  shape: string;
  /** Compiled text around the columns (one more entry than there are columns), split at holes. */
  parts: string[][] | undefined;
  /** Per column: compiled child by child shape, split at holes. */
  children: Map<string, string[]>[];
  /** Undefined until the first variant was compared with a whole compile. */
  verified: boolean | undefined;
}

export interface Taken {
  frameKey: string;
  /** Child shapes per split column, in order. */
  columns: string[][];
  /** Lifted contents, in document order. */
  contents: string[];
  /** Per split column, the section each child came from (-1: the skeleton's own), when split. */
  origins?: number[][];
  /** How many sections the skeleton placed. */
  sectionCount?: number;
}
