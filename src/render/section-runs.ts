import { type Cache, createCache } from './_cache.js';
import type { PieceCompiler } from './pieces.js';

/** Sections kept per column of a frame: a few hundred for a dozen roles; past the limit the oldest are worked out again. */
const RUNS_PER_COLUMN = 1000;

export interface SectionRuns {
  /** Keeps a section's segments for the variants that show it, unless they hold a line or list block. */
  keep(frame: object, column: number, section: string, run: readonly string[]): readonly string[] | undefined;
  /**
   * A section's kept segments in a frame's column; one not met there yet is put together from the
   * frame's compiled pieces, as assembling a variant holding it would, without assembling one.
   */
  runOf(frame: object, column: number, section: string): readonly string[] | undefined;
}

export function createSectionRuns(
  pieces: Pick<PieceCompiler, 'sectionRun'>,
  holdsToken: (segment: string) => boolean,
): SectionRuns {
  // A section's segments, by the frame and column it is assembled in and its source: classes
  // that share a frame share them. Only sections without lines or list blocks are kept.
  const sectionRuns = new WeakMap<object, Cache<string, readonly string[]>[]>();
  const runsIn = (frame: object, column: number): Cache<string, readonly string[]> => {
    let byColumn = sectionRuns.get(frame);
    if (!byColumn) {
      byColumn = [];
      sectionRuns.set(frame, byColumn);
    }
    byColumn[column] ??= createCache(RUNS_PER_COLUMN);
    return byColumn[column]!;
  };
  const keep = (frame: object, column: number, section: string, run: readonly string[]) => {
    if (run.some(holdsToken)) return undefined;
    runsIn(frame, column).set(section, run);
    return run;
  };
  const runOf = (frame: object, column: number, section: string): readonly string[] | undefined => {
    const kept = sectionRuns.get(frame)?.[column]?.get(section);
    if (kept !== undefined) return kept;
    const run = pieces.sectionRun(frame, column, section);
    return run && keep(frame, column, section, run);
  };
  return { keep, runOf };
}
