import { createGapSteps } from './gap-steps.js';
import type { PieceResult } from './pieces.js';
import type { createSectionRuns } from './section-runs.js';
import type { SegmentFiller } from './set-fill.js';
import type { FilledVariant, GateSegment, SetClass } from './set-frame-types.js';
import { lineValues } from './set-lines.js';
import type { DigestView } from './view.js';

/** A class's variants put together from its gaps and its sections' kept runs (see `learn`, `compose`). */
export function createSetComposer(
  sectionRuns: ReturnType<typeof createSectionRuns>,
  { cut, fillSegments }: SegmentFiller,
): {
  learn: (set: SetClass, sections: readonly string[], result: PieceResult) => void;
  compose: (set: SetClass, sections: readonly string[], view: DigestView) => FilledVariant | undefined;
} {
  /**
   * Learns from a variant assembled from pieces what its class writes around its sections, and
   * each section's own segments. A section's segments depend only on its source and the class's
   * frame; the class's own segments only on the class, which `gaps` checks variant by variant.
   * A section whose segments hold a line or a list block is not kept: it is assembled each time.
   */
  const learn = (set: SetClass, sections: readonly string[], result: PieceResult): void => {
    const { segments, runs, frame } = result;
    if (set.gaps === null) return;
    if (!segments || !runs || !frame || runs.length !== sections.length || runs.length === 0) {
      set.gaps = null;
      return;
    }
    const gaps: (readonly string[])[] = [segments.slice(0, runs[0]!.start)];
    for (let k = 0; k < runs.length; k++)
      gaps.push(segments.slice(runs[k]!.end, runs[k + 1]?.start ?? segments.length));
    const columns = runs.map((run) => run.column);
    if (set.gaps === undefined) Object.assign(set, { gaps, frame, columns });
    else if (set.frame !== frame || !sameLists(set.gaps, gaps) || columns.some((c, k) => c !== set.columns[k])) {
      set.gaps = null;
      return;
    }
    for (const [k, { start, end, column }] of runs.entries())
      sectionRuns.keep(frame, column, sections[k]!, segments.slice(start, end));
  };

  /** The variant's segments from its class's gaps and its sections' runs, or undefined when one is not known. */
  const compose = (set: SetClass, sections: readonly string[], view: DigestView): FilledVariant | undefined => {
    const gaps = set.gaps;
    if (!gaps || !set.frame || gaps.length !== sections.length + 1) return undefined;
    const runs: (readonly string[])[] = [];
    for (const [k, section] of sections.entries()) {
      const run = sectionRuns.runOf(set.frame, set.columns[k]!, section);
      if (run === undefined) return undefined;
      runs.push(run);
    }
    // Segments are filled one by one, so the gaps are filled apart; the runs hold nothing to fill.
    const values = lineValues(view);
    const out: string[] = [];
    const pieces: string[] = [];
    const gates: GateSegment[] = [];
    for (let k = 0; k < gaps.length; k++) {
      for (const step of gapSteps(gaps[k]!)) {
        if (typeof step !== 'string') {
          for (const segment of step) {
            out.push(segment);
            pieces.push(segment);
          }
          gates.push(step);
          continue;
        }
        const filled = fillSegments([step], view, set, values, pieces, gates);
        if (filled === undefined) return undefined;
        for (const segment of filled) out.push(segment);
      }
      if (k < runs.length) {
        for (const segment of runs[k]!) {
          out.push(segment);
          pieces.push(segment);
        }
        gates.push(runs[k]!);
      }
    }
    return { segments: out, pieces, gates };
  };

  const gapSteps = createGapSteps(cut);

  return { learn, compose };
}

function sameLists(a: readonly (readonly string[])[], b: readonly (readonly string[])[]): boolean {
  return (
    a.length === b.length && a.every((list, i) => list.length === b[i]!.length && list.every((x, j) => x === b[i]![j]))
  );
}
