import type { IssueFacts } from './store.js';

/**
 * An issue's facts with no link counting more unique clicks than readers could have made. A unique
 * click is the first of a client (IP and user agent) on a link, and no reader identity is kept, so
 * one person changing their user agent counts again. Bounded by the readers of the variant that
 * shows the link in that section (or, for a click whose variant is unknown, by every reader who
 * got it there), such clicks cannot make a rate pass 100 % or outweigh a role's real readers. A
 * link missing from the recorded layouts is left as counted: its readers are not known.
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
  let bounded = false;
  const clicks = facts.clicks.map((click) => {
    const link = `${click.summaryId}\n${click.role}`;
    // A link no recorded layout holds (an issue sent before layouts were kept) has no known readers.
    const everyone = readers.get(link);
    if (everyone === undefined) return click;
    const limit = shownIn.has(`${link}\n${click.variantId}`) ? (delivered.get(click.variantId) ?? 0) : everyone;
    if (click.unique <= limit) return click;
    bounded = true;
    return { ...click, unique: limit };
  });
  return bounded ? { ...facts, clicks } : facts;
}
