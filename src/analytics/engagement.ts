import { boundByReaders } from './bound.js';
import type { IssueFacts } from './store.js';
import { recordedClicks } from './tracked.js';

/**
 * How well each role took to each topic in past issues: unique clicks over readers, for the
 * summaries carrying the topic in that role's sections. `rolecast new --by-engagement` ranks the
 * pool with it.
 */
export interface TopicEngagement {
  /** Per role: all its sections' unique clicks and readers, and the same per topic. */
  roles: Map<string, { unique: number; readers: number; topics: Map<string, { unique: number; readers: number }> }>;
  issues: number;
  clicks: number;
}

/** Readers a topic's rate is shrunk towards the role's own rate by, so one lucky click does not lead. */
const PRIOR_READERS = 20;

export function topicEngagement(issues: readonly IssueFacts[]): TopicEngagement {
  // An issue sent with click tracking off recorded no click: its readers could not click, and
  // counted as readers who did not, they would sink every topic it carried below unseen ones.
  const history = issues.filter(recordedClicks);
  const roles: TopicEngagement['roles'] = new Map();
  let clicks = 0;
  const slot = (role: string) => {
    let entry = roles.get(role);
    if (!entry) {
      entry = { unique: 0, readers: 0, topics: new Map() };
      roles.set(role, entry);
    }
    return entry;
  };
  const add = (role: string, topics: readonly string[], readers: number, unique: number) => {
    const entry = slot(role);
    entry.readers += readers;
    entry.unique += unique;
    for (const topic of new Set(topics.map((t) => t.toLowerCase()))) {
      const t = entry.topics.get(topic) ?? { unique: 0, readers: 0 };
      t.readers += readers;
      t.unique += unique;
      entry.topics.set(topic, t);
    }
  };
  for (const facts of history.map(boundByReaders)) {
    const topicsOf = new Map(facts.summaries.map((s) => [s.id, s.topics]));
    const delivered = new Map(facts.deliveries.map((d) => [d.variantId, d.delivered]));
    for (const v of facts.variants)
      for (const section of v.sections)
        for (const id of section.summaryIds) add(section.role, topicsOf.get(id) ?? [], delivered.get(v.id) ?? 0, 0);
    for (const c of facts.clicks) {
      clicks += c.unique;
      add(c.role, topicsOf.get(c.summaryId) ?? [], 0, c.unique);
    }
  }
  return { roles, issues: history.length, clicks };
}

/**
 * A summary's expected click rate for a role: the mean over its topics of each topic's rate in
 * that role, smoothed towards the role's overall rate; a summary with no known topic gets that rate.
 */
export function engagementScore(engagement: TopicEngagement, role: string, topics: readonly string[]): number {
  const entry = engagement.roles.get(role);
  if (!entry) return 0;
  const base = entry.readers ? entry.unique / entry.readers : 0;
  if (topics.length === 0) return base;
  let sum = 0;
  for (const topic of topics) {
    const t = entry.topics.get(topic.toLowerCase());
    sum += t ? (t.unique + base * PRIOR_READERS) / (t.readers + PRIOR_READERS) : base;
  }
  return sum / topics.length;
}
