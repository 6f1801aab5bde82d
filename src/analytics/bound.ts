import type { IssueFacts } from './store.js';

/**
 * An issue's facts with no link counting more unique clicks than readers could have made. A unique
 * click is the first of a client (IP and user agent) on a link, and no reader identity is kept, so
 * one person changing their user agent counts again. Bounded by the readers of the variant that
 * shows the link in that section, and by every reader who got it there, over all its link kinds and
 * clicks of no known variant together, such clicks cannot make a rate pass 100 % or outweigh a
 * role's real readers. A link missing from the recorded layouts, or with no delivery on record,
 * is left as counted: its readers are not known.
 */
export function boundByReaders(facts: IssueFacts): IssueFacts {
  const delivered = new Map<string, number>();
  for (const d of facts.deliveries) delivered.set(d.variantId, (delivered.get(d.variantId) ?? 0) + d.delivered);
  // Readers of each (summary, section role), in all and per variant.
  const readers = new Map<string, number>();
  const shownIn = new Set<string>();
  for (const variant of facts.variants) {
    const count = delivered.get(variant.id) ?? 0;
    for (const section of variant.sections)
      for (const summaryId of section.summaryIds) {
        const link = `${summaryId}\n${section.role}`;
        readers.set(link, (readers.get(link) ?? 0) + count);
        shownIn.add(`${link}\n${variant.id}`);
      }
  }
  // What each link, and each link in one variant, may still count: rows of several link kinds (and
  // of no known variant) share the budget, counted in a fixed order, known variants first.
  const left = new Map(readers);
  const leftIn = new Map<string, number>();
  const order = facts.clicks
    .map((click, index) => ({ click, index }))
    .sort(
      (a, b) =>
        Number(a.click.variantId === '') - Number(b.click.variantId === '') ||
        cmp(a.click.variantId, b.click.variantId) ||
        cmp(a.click.kind, b.click.kind) ||
        a.index - b.index,
    );
  let bounded = false;
  const clicks = facts.clicks.slice();
  for (const { click, index } of order) {
    const link = `${click.summaryId}\n${click.role}`;
    // A link no recorded layout holds (an issue sent before layouts were kept), or one whose
    // deliveries this state does not hold (sent to the outbox only), has no known readers.
    const budget = left.get(link);
    if (budget === undefined || readers.get(link) === 0) continue;
    const inVariant = `${link}\n${click.variantId}`;
    const variantBudget = shownIn.has(inVariant)
      ? (leftIn.get(inVariant) ?? delivered.get(click.variantId) ?? 0)
      : Number.POSITIVE_INFINITY;
    const unique = Math.min(click.unique, budget, variantBudget);
    left.set(link, budget - unique);
    if (shownIn.has(inVariant)) leftIn.set(inVariant, variantBudget - unique);
    if (unique === click.unique) continue;
    bounded = true;
    clicks[index] = { ...click, unique };
  }
  return bounded ? { ...facts, clicks } : facts;
}

/** Code-unit order: the same on every machine, whatever its locale (reports sort by it too). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
