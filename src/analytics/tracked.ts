import type { IssueFacts } from './store.js';

/**
 * Whether an issue recorded any click. One sent with click tracking off recorded none, and its
 * readers could not click: its silence says nothing about a role or a topic.
 */
export function recordedClicks(facts: IssueFacts): boolean {
  return facts.clicks.some((c) => c.clicks > 0);
}
