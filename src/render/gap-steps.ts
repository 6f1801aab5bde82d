/** A segment holding lines or a list block, filled per variant, or a stretch of segments without. */
export type GapStep = string | readonly string[];

/**
 * A gap's segments without lines or list blocks are the same in every variant of the class: a
 * stretch of them is handed on as one array, the same for every role set, so the gates add it
 * up once (see piece-gates.ts) and a role set neither looks each up nor lists it on its own.
 * `cut` tells a segment that holds lines or a list block.
 */
export function createGapSteps(cut: (segment: string) => unknown): (gap: readonly string[]) => readonly GapStep[] {
  const gapPlans = new WeakMap<readonly string[], readonly GapStep[]>();
  return (gap) => {
    let steps = gapPlans.get(gap);
    if (steps === undefined) {
      const planned: GapStep[] = [];
      let stretch: string[] | undefined;
      for (const segment of gap) {
        if (cut(segment)) {
          stretch = undefined;
          planned.push(segment);
        } else if (stretch) stretch.push(segment);
        else {
          stretch = [segment];
          planned.push(stretch);
        }
      }
      steps = planned;
      gapPlans.set(gap, steps);
    }
    return steps;
  };
}
