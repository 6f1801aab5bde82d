import type { IssueFacts } from './store.js';

/**
 * Whether an issue recorded any click. One sent with click tracking off recorded none, and its
 * readers could not click: its silence says nothing about a role or a topic. A send does not record
 * whether tracking was on, so a tracked issue that drew no click from anyone is passed over too:
 * silence across a whole list points at the links (not served, not forwarded), not at the readers.
 */
export function recordedClicks(facts: IssueFacts): boolean {
  return facts.clicks.some((c) => c.clicks > 0);
}
