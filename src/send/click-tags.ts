import type { Variant } from '../group/index.js';
import type { Project } from '../load/project.js';
import { planRecipients, type ReaderList } from './plan.js';

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

/**
 * Readers per role set over the whole unsuppressed list, for a run that plans only part of it (a
 * wave of a scheduled send, `--segment`, `--only`): the decision is the issue's, so a role set with
 * one reader in the first wave and fifty in the next is named, as a send to everyone would name it.
 * Counted without keeping a record per reader.
 */
export function wholeListReaders(
  project: Project,
  subscribers: ReaderList,
  isSuppressed: (email: string) => boolean,
): Map<string, number> {
  const plan = planRecipients(project, subscribers, { segments: [], isSuppressed }, { recipient() {}, skipped() {} });
  return new Map(plan.variants.map((variant) => [variant.id, variant.readers ?? 0]));
}
