import type { Variant } from '../group/index.js';

/**
 * Whether each role set's click links carry its `?v=`: as an earlier run of the issue decided, or,
 * the first time, by whether at least `minReaders` readers hold it in this run's plan. Kept per
 * issue (recordLayout stores the first decision), so a role set of one reader stays unnamed when a
 * second reader joins it later, and a role set named in a run cut short stays named on resume:
 * no run leaves fewer readers than that holding one `?v=` by its own decision.
 */
export function decideClickTags(
  variants: readonly Variant[],
  decided: ReadonlyMap<string, boolean>,
  minReaders: number,
  /** The readers a role set has left once suppressed readers are out, when `variants` counts them too. */
  readersOf: (variant: Variant) => number | undefined = (variant) => variant.readers,
): void {
  for (const variant of variants)
    variant.clickTagged = decided.get(variant.id) ?? (readersOf(variant) ?? Number.POSITIVE_INFINITY) >= minReaders;
}
