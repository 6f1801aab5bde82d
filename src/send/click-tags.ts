import type { Variant } from '../group/index.js';
import type { Project } from '../load/project.js';
import { planRecipients, type ReaderList } from './plan.js';

/**
 * Whether each role set's click links carry its `?v=`: as an earlier run of the issue decided, or,
 * the first time, by whether at least `minReaders` readers hold it. Kept per issue (recordLayout
 * stores the first decision), so a role set of one reader stays unnamed when a second reader joins
 * it later, and a role set named in a run cut short stays named on resume: no run leaves fewer
 * readers than that holding one `?v=` by its own decision.
 *
 * The readers are counted without suppressed ones: in `planned` (the run's plan), or over the whole
 * list when the run plans part of it (a wave of a scheduled send, `--segment`, `--only`), so a role
 * set with one reader in the first wave and fifty in the next is named, as a send to everyone would
 * name it. The whole list is counted only when some role set is not decided yet, without keeping a
 * record per reader.
 */
export function decideClickTags(
  variants: readonly Variant[],
  decided: ReadonlyMap<string, boolean>,
  minReaders: number,
  readers: {
    planned: readonly Variant[];
    partOfList: boolean;
    project: Project;
    subscribers: ReaderList;
    isSuppressed: (email: string) => boolean;
  },
): void {
  let counts: ReadonlyMap<string, number> | undefined;
  for (const variant of variants) {
    const known = decided.get(variant.id);
    if (known !== undefined) {
      variant.clickTagged = known;
      continue;
    }
    counts ??= readerCounts(readers.partOfList ? wholeList(readers) : readers.planned);
    variant.clickTagged = (counts.get(variant.id) ?? 0) >= minReaders;
  }
}

function wholeList(readers: Parameters<typeof decideClickTags>[3]): readonly Variant[] {
  const { project, subscribers, isSuppressed } = readers;
  return planRecipients(project, subscribers, { segments: [], isSuppressed }, { recipient() {}, skipped() {} })
    .variants;
}

function readerCounts(variants: readonly Variant[]): Map<string, number> {
  return new Map(variants.map((variant) => [variant.id, variant.readers ?? 0]));
}
